"""summary.md after ``lo-audit check`` on a crawl that did not finish.

A small Local Offer is served on 127.0.0.1 and crawled for real into SQLite. The same
store is checked twice: as the crawl left it (finished), and after the run is put back to
the state a crawl killed half-way leaves (status ``running``, no finish time). The job
summary must open with a plain warning on the second and list the rules it held back.
"""

from __future__ import annotations

import sqlite3

import yaml

from lo_audit.cli import main

PAGES = {
    "/": "<h1>Exampleshire Local Offer</h1><p><a href='/education'>Education</a> <a href='/health'>Health</a> "
         "<a href='/news'>News</a></p>",
    "/education": "<h1>Education</h1><p>Support in schools for children with special educational needs. "
                  "Talk to your school's SENCO first.</p>",
    "/health": "<h1>Health</h1><p>Speech and language therapy, physiotherapy and occupational therapy.</p>",
    "/news": "<h1>News</h1><p>New sensory room opens in the library.</p>",
}


def html(body: str) -> bytes:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Exampleshire</title></head>"
            f"<body><header><a href='/'>Home</a></header><main>{body}</main>"
            f"<footer>Exampleshire Council</footer></body></html>").encode()


def check(tmp_path, root: str, name: str) -> str:
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text(yaml.safe_dump({
        "crawl": {"start_urls": [root + "/"], "db": str(tmp_path / "crawl.sqlite"), "rate": 0, "render": "never",
                  "a11y": False, "check_external": False},
        "checks": {"today": "2026-11-01", "fail_on": "never"},
        "reports": {"out": str(tmp_path / name)}}))
    if not (tmp_path / "crawl.sqlite").exists():
        assert main(["-q", "crawl", "--config", str(cfg)]) == 0
    assert main(["-q", "check", "--config", str(cfg)]) == 0
    return (tmp_path / name / "summary.md").read_text(encoding="utf-8")


def test_summary_says_the_crawl_did_not_finish(tmp_path, static_server, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = static_server({path: (200, "text/html; charset=utf-8", html(body)) for path, body in PAGES.items()})

    finished = check(tmp_path, root, "finished")
    assert "did not finish" not in finished and "provisional" not in finished, "negative control"
    assert "statutory.accessibility-statement" in (tmp_path / "finished" / "findings.json").read_text(), \
        "negative control: on a finished crawl the site-wide absence is a finding"

    with sqlite3.connect(tmp_path / "crawl.sqlite") as conn:
        conn.execute("UPDATE runs SET status='running', finished_at=NULL")
    partial = check(tmp_path, root, "partial")
    top = partial.split("| |", 1)[0]
    assert "did not finish" in top and "provisional" in top, partial[:800]
    assert "after 4 pages" in top
    assert "lo-audit crawl --resume" in top
    assert "<code>statutory.accessibility-statement</code>" in top, "withheld rules are named"
    assert "<code>statutory.topic-missing</code>" in top
    assert "statutory.accessibility-statement" not in partial.split("| |", 1)[1], "withheld, not reported"
