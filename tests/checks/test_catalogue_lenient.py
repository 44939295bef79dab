"""A messy catalogue does not stop the audit: defects become ``catalogue.*`` findings.

Run through the real command line (``lo-audit check``) on a real SQLite crawl store.
"""

from __future__ import annotations

import json

from checks_testkit import SITE, build_store
from crawler.model import Page
from lo_audit.cli import main


def _store(tmp_path):
    pages = [Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html", title="Home",
                  depth=0, found_via="start")]
    return build_store(tmp_path / "crawl.sqlite", pages)


def _feed(tmp_path, services) -> str:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"content": services, "totalElements": len(services), "totalPages": 1,
                                "last": True}), encoding="utf-8")
    return str(path)


TWO_SHARING_ONE_ID = [
    {"id": "1001", "name": "Portage Home Visiting", "email": "portage@example.gov.uk", "status": "active"},
    {"id": "1001", "name": "Speech and Language Drop-in", "email": "salt@example.nhs.uk", "status": "active"},
]


def test_a_duplicate_id_no_longer_stops_check(tmp_path, capsys):
    db = _store(tmp_path)
    out = tmp_path / "reports"
    code = main(["check", "--db", str(db), "--out", str(out), "--catalogue", _feed(tmp_path, TWO_SHARING_ONE_ID),
                 "--today", "2026-11-01", "--fail-on", "never"])
    err = capsys.readouterr().err
    assert code == 0, err
    data = json.loads((out / "findings.json").read_text())
    duplicates = [f for f in data["findings"] if f["rule"] == "catalogue.duplicate-id"]
    assert len(duplicates) == 1 and duplicates[0]["service_id"] == "1001#2"
    assert "services[1]" in duplicates[0]["evidence"]["where"]
    names = {s["id"]: s["name"] for s in data["metrics"]["services"]}
    assert names == {"1001": "Portage Home Visiting", "1001#2": "Speech and Language Drop-in"}


def test_strict_catalogue_keeps_exit_2(tmp_path, capsys):
    db = _store(tmp_path)
    code = main(["check", "--db", str(db), "--out", str(tmp_path / "reports"), "--strict-catalogue",
                 "--catalogue", _feed(tmp_path, TWO_SHARING_ONE_ID), "--today", "2026-11-01"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "duplicate id '1001'" in err
