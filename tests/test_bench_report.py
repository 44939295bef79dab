"""The benchmark's report: time per page, the crawl's share, and findings kept as a summary."""

from __future__ import annotations

import hashlib

from bench import run


def test_findings_summary_holds_counts_hashes_and_differing_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    before = ["links.broken http://HOST1/a http://x.test/", "links.broken http://HOST1/b http://y.test/"]
    after = before[:1]
    run._save_summary("static:1000", {"before": before, "after": after}, ["- " + before[1]])
    lines = (tmp_path / "findings-static-1000.txt").read_text().splitlines()
    expected = hashlib.sha256("".join(line + "\n" for line in after).encode()).hexdigest()
    assert lines[1] == f"# after: 1 findings, digest sha256 {expected}"  # as `bench.findings ... | sha256sum`
    assert lines[0].startswith("# before: 2 findings, digest sha256 ") and expected not in lines[0]
    assert lines[2:] == ["- " + before[1]]


def test_tables_give_time_per_page_and_the_crawl_part_of_a_reaudit():
    version = {"audit_s": 50.0, "ratio_to_linkchecker": 3.0, "peak_mib": 640.0, "reaudit_s": 12.5,
               "reaudit_crawl_s": 4.0, "reaudit_ratio": 0.25, "pages": 1000, "rendered": 2, "axe": 2,
               "link_checks": 0, "reaudit_link_checks": 0, "findings": 10}
    report = {"machine": {"date": "2026-11-28", "cpus": 2, "memory_gib": 8, "python": "3.11"}, "repeat": 1,
              "command": "make bench-scaling",
              "sites": [{"site": "static:1000", "label": "synthetic", "linkchecker_s": 16.0,
                         "versions": {"after": version}}]}
    text = run.markdown(report)
    assert "| synthetic | after | 16.0 | 50.0 | 3.0 | 640.0 |" in text
    assert "| synthetic | after | 12.5 | 4.0 | 0.25 | 2 | 0 → 0 |" in text
    assert "| synthetic | after | 50.0 | 12.5 |" in text
    assert run.per_page(1.0, 0) == "—"
    assert "a week later" not in text  # not measured: no table


def test_the_reaudit_a_week_later_has_its_own_table(tmp_path):
    version = {"audit_s": 200.0, "ratio_to_linkchecker": 0.6, "peak_mib": 700.0, "reaudit_s": 30.0,
               "reaudit_crawl_s": 5.0, "reaudit_ratio": 0.15, "pages": 528, "rendered": 5, "axe": 5,
               "link_checks": 4147, "reaudit_link_checks": 0, "findings": 10}
    first = run.Measure("re-audit", 528, 50.0, 600.0, link_checks=4147, crawl_s=20.0)
    version.update(run._week([first], 200.0))
    assert version["week_ratio"] == 0.25 and version["week_link_checks"] == 4147
    assert run._week([], 200.0) == {}
    report = {"machine": {"date": "2026-11-28", "cpus": 2, "memory_gib": 8, "python": "3.11"}, "repeat": 1,
              "command": "make bench", "sites": [{"site": "python-docs", "label": "docs", "linkchecker_s": 300.0,
                                                  "versions": {"after": version}}]}
    text = run.markdown(report)
    assert "made a week older" in text and f"`--today {run.WEEK_LATER}`" in text
    assert "| docs | after | 50.0 | 20.0 | 0.25 | 4147 |" in text


def test_each_version_imports_its_own_code(tmp_path):
    """``python -c`` puts its folder before PYTHONPATH: the bench must not run from a checkout."""
    import subprocess
    import sys

    other = tmp_path / "other"
    (other / "checks").mkdir(parents=True)
    (other / "checks" / "__init__.py").write_text("WHO = 'other'\n")
    env, cwd = run.version_env(other)
    found = subprocess.run([sys.executable, "-c", "import checks; print(checks.__file__)"], env=env, cwd=cwd,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == str(other / "checks" / "__init__.py")
    assert not (cwd / "checks").exists()


def test_a_week_later_the_kept_link_answers_are_a_week_older(tmp_path):
    import sqlite3

    db = tmp_path / "crawl.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE link_cache (url TEXT, status INTEGER, final_url TEXT, checked_at REAL)")
        conn.execute("INSERT INTO link_cache VALUES ('https://a/', 200, '', 1000000.0)")
    run.week_older(db)  # a store without link_failures (an older version) is fine
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT checked_at FROM link_cache").fetchone()[0] == 1000000.0 - 7 * 86400


def test_counting_a_run_leaves_the_store_as_the_version_that_wrote_it(tmp_path):
    """The bench counts each version's crawl with this checkout's code, then that version
    re-audits the same store: counting must not upgrade an older version's store, which
    that version would then refuse ("schema 2 is newer than this tool")."""
    import sqlite3

    from crawler.model import Link, Page
    from crawler.store import StoreWriter

    db = tmp_path / "crawl.sqlite"
    writer = StoreWriter(db)
    run_id = writer.start_run(["http://h/"], ["h"], {})
    writer.save_page(run_id, Page(url="http://h/", status=200, kind="html"),
                     [Link("http://h/", "http://h/a", "/a", "A", "main")])
    writer.save_page(run_id, Page(url="http://h/a", status=404, kind="html"))
    writer.finish_run(run_id)
    writer.close()
    with sqlite3.connect(db) as conn:  # as a version of schema 1 leaves it
        conn.execute("ALTER TABLE pages DROP COLUMN links_run")
        conn.execute("CREATE INDEX links_by_target ON links (run_id, target)")
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.close()
    counts = run.store_counts(db)
    assert (counts.pages, counts.html, counts.errors) == (2, 2, 1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='links_by_target'").fetchone()[0] == 1
    conn.close()
