"""Rule results kept between checks of the same inputs (checks.pipeline.memo).

On the demo's crawl and catalogue: a check of unchanged inputs runs no rule and writes the
same reports, byte for byte, as a check that runs every rule; on another date only the
rules that read the date run; a change to one page or one setting runs every rule again;
and the values left out of the crawl's digest change no finding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from checks.index.siteindex import SiteIndex
from checks.pipeline import engine, memo
from checks.pipeline.context import RuleContext
from checks.reports.folder import write_reports
from crawler.model import Page
from crawler.store import CRAWL_ONLY_META_KEYS, CRAWL_ONLY_PAGE_FIELDS
from lo_audit.config import load

RULES_READING_THE_DATE = {"content.stale", "documents.stale", "statutory.you-said-we-did", "catalogue.invalid-field",
                          "catalogue.not-assured"}


@pytest.fixture
def demo_copy(demo_runs, tmp_path):
    """The demo's config over a copy of its final crawl store and reports (``out()`` makes a
    fresh copy of the reports folder for each check)."""
    work, _ = demo_runs
    db = tmp_path / "demo.sqlite"
    shutil.copy(work / ".lo-audit" / "demo.sqlite", db)
    cfg = load(work / ".lo-audit" / "demo" / "config.yml").override("crawl", db=str(db))
    copies = iter(range(100))

    def out(cfg=cfg):
        folder = tmp_path / f"reports-{next(copies)}"
        shutil.copytree(work / "reports", folder)
        return cfg.override("reports", out=str(folder))

    return cfg, out


def _counting(names: list[str]):
    real = engine.run_rule

    def counting(rule, ctx):
        names.append(rule.id)
        return real(rule, ctx)

    return counting


@pytest.fixture
def ran(monkeypatch):
    """Ids of the rules run (not reused) by the checks of one test."""
    names: list[str] = []
    monkeypatch.setattr(engine, "run_rule", _counting(names))
    return names


def _check(cfg, *, kept: bool, monkeypatch) -> dict[str, bytes]:
    """Every report file of one check (the time stamps blanked), run with or without the memo."""
    with monkeypatch.context() as mp:
        if not kept:
            mp.setenv(memo.OFF, "1")
        out = write_reports(engine.run_checks(cfg), cfg, step_summary=False)
    files = {}
    for path in sorted(Path(out).rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".json":
                value = json.loads(data)
                _blank_times(value)
                data = json.dumps(value, sort_keys=True).encode()
            files[str(path.relative_to(out))] = data
    return files


def _blank_times(value) -> None:
    if isinstance(value, dict):
        for key in list(value):
            if key == "generated_at":
                value[key] = ""
            else:
                _blank_times(value[key])
    elif isinstance(value, list):
        for item in value:
            _blank_times(item)


def _same_reports(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], f"{name} differs between a check that reused rule results and one that did not"


def test_same_inputs_run_no_rule_and_write_the_same_reports(demo_copy, ran, monkeypatch, caplog):
    cfg, out = demo_copy
    _check(out(), kept=True, monkeypatch=monkeypatch)  # keeps the results of these inputs
    ran.clear()
    with caplog.at_level(logging.INFO, logger=engine.__name__):
        reused = _check(out(), kept=True, monkeypatch=monkeypatch)
    assert ran == []
    said = [r.getMessage() for r in caplog.records if "rules unchanged" in r.getMessage()]
    assert len(said) == 1 and re.match(r"(\d+) of \1 rules unchanged", said[0]), said  # rules only, not metrics
    every = _check(out(), kept=False, monkeypatch=monkeypatch)
    assert len(set(ran)) > 25  # the control really ran the rules
    _same_reports(reused, every)
    findings = json.loads(reused["findings.json"])
    assert len(findings["findings"]) > 40 and findings["metrics"]["catalogue"]["services"] > 0


def test_another_day_runs_only_the_rules_that_read_the_date(demo_copy, ran, monkeypatch):
    cfg, out = demo_copy
    _check(out(), kept=True, monkeypatch=monkeypatch)
    _check(out(), kept=True, monkeypatch=monkeypatch)  # every rule reused: the dated values must stay kept
    later = (dt.date.fromisoformat(cfg.checks.today) + dt.timedelta(days=400)).isoformat()
    ran.clear()
    built = []
    real_build = SiteIndex.build.__func__
    monkeypatch.setattr(SiteIndex, "build", classmethod(lambda cls, *a, **kw: built.append(1) or real_build(cls, *a, **kw)))
    reused = _check(out(cfg.override("checks", today=later)), kept=True, monkeypatch=monkeypatch)
    assert "content.stale" in ran and set(ran) <= RULES_READING_THE_DATE, ran
    assert built == [], "the rules that read the date compare kept values with it: the crawl is not read again"
    monkeypatch.undo()
    monkeypatch.setattr(engine, "run_rule", _counting(ran))
    assert "links.broken" not in ran and "service.missing" not in ran
    ran.clear()
    every = _check(out(cfg.override("checks", today=later)), kept=False, monkeypatch=monkeypatch)
    _same_reports(reused, every)
    before = json.loads(_check(out(), kept=False, monkeypatch=monkeypatch)["findings.json"])
    after = json.loads(reused["findings.json"])
    stale = lambda data: {f["id"] for f in data["findings"] if f["rule"] == "content.stale"}  # noqa: E731
    assert stale(after) > stale(before)  # 400 days later more pages are stale: the date rules did run


@pytest.mark.parametrize("change", ["page", "setting"])
def test_a_changed_page_or_setting_runs_every_rule_again(demo_copy, ran, monkeypatch, change):
    cfg, out = demo_copy
    _check(out(), kept=True, monkeypatch=monkeypatch)
    if change == "page":
        with sqlite3.connect(cfg.crawl.db) as conn:
            run = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
            url = conn.execute("SELECT url FROM pages WHERE run_id=? AND kind='html' AND status=200 "
                               "ORDER BY url LIMIT 1", (run,)).fetchone()[0]
            conn.execute("UPDATE pages SET main_text = main_text || ' Phone 01632 960 001 for help.' "
                         "WHERE run_id=? AND url=?", (run, url))
    else:
        cfg = cfg.override("checks", max_sentence_words=cfg.checks.max_sentence_words + 5)
    ran.clear()
    reused = _check(out(cfg), kept=True, monkeypatch=monkeypatch)
    assert len(set(ran)) > 25
    ran.clear()
    _same_reports(reused, _check(out(cfg), kept=False, monkeypatch=monkeypatch))


def test_values_left_out_of_the_digest_change_no_finding(demo_copy, monkeypatch):
    """What ``run_digest`` leaves out (when and how fast pages answered, whether this crawl
    rendered them, the reuse marks, who checked a link) must not change any finding,
    or a kept result could be wrong."""
    cfg, out = demo_copy
    before = json.loads(_check(out(), kept=False, monkeypatch=monkeypatch)["findings.json"])
    changes = []
    for name in sorted(CRAWL_ONLY_PAGE_FIELDS):
        kind = Page.__dataclass_fields__[name].type
        kind = getattr(kind, "__name__", kind)
        changes.append(f"{name} = 1 - COALESCE({name}, 0)" if kind == "bool" else
                       f"{name} = COALESCE({name}, 0) + 977" if kind == "int" else f"{name} = 'changed by the test'")
    marks = ", ".join(f"'$.{key}', 41" for key in CRAWL_ONLY_META_KEYS)
    changes.append(f"meta = json_set(COALESCE(meta, '{{}}'), {marks})")
    with sqlite3.connect(cfg.crawl.db) as conn:
        run = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        conn.execute(f"UPDATE pages SET {', '.join(changes)} WHERE run_id=?", (run,))
        conn.execute("UPDATE link_status SET checked_by='someone else' WHERE run_id=?", (run,))
        conn.execute("UPDATE runs SET started_at='1999-01-01T00:00:00+00:00' WHERE id=?", (run,))
    after = json.loads(_check(out(), kept=False, monkeypatch=monkeypatch)["findings.json"])
    for data in (before, after):
        data["metrics"].pop("pages")  # counts pages rendered by this crawl: not a finding
        data.pop("run")
    assert after == before


def test_a_store_that_cannot_keep_results_still_checks(demo_copy, ran, monkeypatch):
    cfg, out = demo_copy
    with sqlite3.connect(cfg.crawl.db) as conn:
        conn.execute("DELETE FROM derived WHERE kind LIKE 'rule-results@%'")
        conn.execute("INSERT INTO derived VALUES ('rule-results@x', 'links.broken', 'not json')")
    Path(cfg.crawl.db).chmod(0o444)
    try:
        _check(out(), kept=True, monkeypatch=monkeypatch)
    finally:
        Path(cfg.crawl.db).chmod(0o644)
    assert len(set(ran)) > 25


def test_rules_read_the_date_only_through_the_context():
    """The memo knows a rule depends on the date by watching ``ctx.today``: a rule reading the
    clock or the configured date directly would be reused on the wrong day."""
    root = Path(engine.__file__).resolve().parents[1]
    offenders = []
    for folder in ("rules", "index", "knowledge", "catalogue", "triage"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for needle in ("date.today(", "datetime.now(", "datetime.today(", "time.time(", "config.today",
                           "cfg.today", "checks_cfg.today"):
                if needle in text:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []


def test_a_value_kept_whatever_the_date_must_not_read_it(tmp_path):
    ctx = RuleContext(store=None, catalogue=None, config=None, today=dt.date(2026, 11, 28), reads=set())
    assert memo.kept_value(ctx, "a", lambda: (1, "x")) == [1, "x"]  # as read back from JSON, kept or not
    with pytest.raises(memo.ReadTheDate):
        memo.kept_value(ctx, "b", lambda: ctx.today.isoformat())
    ctx.today  # noqa: B018 - the rule itself reads the date: still seen after a kept value
    memo.kept_value(ctx, "c", lambda: 1)
    assert "today" in ctx.reads


def _result(cfg, *, kept: bool, monkeypatch) -> dict:
    """One check's findings and metrics as plain data (no reports written)."""
    with monkeypatch.context() as mp:
        if not kept:
            mp.setenv(memo.OFF, "1")
        result = engine.run_checks(cfg)
    return {"findings": [f.to_dict() for f in result.findings], "waived": [f.to_dict() for f in result.waived],
            "metrics": {k: v for k, v in result.metrics.items() if k != "compared_with"},
            "rules_run": result.rules_run, "skipped": result.skipped}


def test_a_lone_surrogate_in_a_finding_is_kept_and_read_back(demo_copy):
    """Half of a character pair on its own (a feed's JSON escape ``"\\ud800"``; the loaders
    now replace it, but a finding may quote other text) cannot be stored as UTF-8 in SQLite:
    the memo keeps it escaped and reads back the same text, instead of stopping the check."""
    from checks.reports.finding import Finding, Severity
    from crawler.store import StoreReader

    cfg, _ = demo_copy
    odd = Finding("links.broken", "a \ud800 b", Severity.ERROR, "x \udfff y", evidence={"k\ud800": ["\ud800"]})
    store = StoreReader(cfg.crawl.db)
    kept = memo.RuleMemo(store, "test", "2026-11-28")
    kept.put("links.broken", [odd], {"m": "\ud800"}, read_today=False)
    kept.save()
    back = memo.RuleMemo(store, "test", "2026-11-28").get("links.broken")
    store.close()
    assert back is not None and back.findings == (odd,) and back.findings[0].evidence == odd.evidence
    assert back.metrics == {"m": "\ud800"}


def test_a_page_meta_json_reads_but_sqlite_refuses_still_checks(demo_copy, ran, monkeypatch):
    """Python's json writes a float that is not a number as ``NaN``, which Python reads back
    but SQLite's JSON functions refuse: the crawl's digest must not stop a check that reads
    the pages well (and ``LO_AUDIT_NO_RULE_MEMO=1`` must not even work the digest out)."""
    cfg, _ = demo_copy
    with sqlite3.connect(cfg.crawl.db) as conn:
        run = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        url, meta = conn.execute("SELECT url, meta FROM pages WHERE run_id=? AND kind='html' AND status=200 "
                                 "ORDER BY url LIMIT 1", (run,)).fetchone()
        conn.execute("UPDATE pages SET meta=? WHERE run_id=? AND url=?",
                     (json.dumps({**json.loads(meta), "ratio": float("nan")}), run, url))
    every = _result(cfg, kept=False, monkeypatch=monkeypatch)
    assert _result(cfg, kept=True, monkeypatch=monkeypatch) == every
    ran.clear()
    assert _result(cfg, kept=True, monkeypatch=monkeypatch) == every
    assert ran == []
    with monkeypatch.context() as mp:
        mp.setenv(memo.OFF, "1")
        mp.setattr(engine, "inputs_digest", lambda *a: pytest.fail("digest worked out with the memo off"))
        engine.run_checks(cfg)


def test_pages_csv_from_what_the_check_kept_is_the_one_read_from_the_store(demo_copy, monkeypatch):
    """pages.csv is written from the page fields the check read and the inlink counts kept
    with the rule results; the same bytes as when the reports read both from the store, and
    a check of the same inputs does not count the links again."""
    from crawler.store import StoreReader

    cfg, out = demo_copy
    first = engine.run_checks(out())
    store = StoreReader(cfg.crawl.db)
    try:
        assert first.page_inlinks == store.inlinks() and first.page_inlinks
        assert list(first.page_fields) == list(store.page_fields(engine.PAGE_FIELDS))
    finally:
        store.close()

    def counted_again(self):
        raise AssertionError("the inlinks were counted again")

    monkeypatch.setattr(StoreReader, "inlinks", counted_again)
    again = engine.run_checks(out())
    assert again.page_inlinks == first.page_inlinks
    kept = write_reports(again, out(), step_summary=False)
    monkeypatch.undo()
    plain = write_reports(dataclasses.replace(again, page_inlinks=None, page_fields=None), out(), step_summary=False)
    assert (Path(kept) / "pages.csv").read_bytes() == (Path(plain) / "pages.csv").read_bytes()


def test_kept_inlink_counts_follow_the_links_of_the_run(demo_copy):
    """The links of the checked run change (the same run, read again): the inlink counts
    are counted again, not those kept for the links before."""
    from crawler.store import StoreReader

    cfg, out = demo_copy
    first = engine.run_checks(out())
    target = max(first.page_inlinks, key=first.page_inlinks.get)
    assert first.page_inlinks[target] > 1
    with sqlite3.connect(cfg.crawl.db) as conn:
        conn.execute("DELETE FROM links WHERE target=? AND rowid IN (SELECT MIN(rowid) FROM links WHERE target=?)",
                     (target, target))
        conn.execute("DELETE FROM links WHERE source=(SELECT MIN(source) FROM links WHERE target=?)", (target,))
    conn.close()
    again = engine.run_checks(out())
    store = StoreReader(cfg.crawl.db)
    try:
        assert again.page_inlinks == store.inlinks() != first.page_inlinks
        assert again.page_inlinks.get(target, 0) < first.page_inlinks[target]
    finally:
        store.close()
