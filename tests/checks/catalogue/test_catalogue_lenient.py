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


def _csv_with_shared_id(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text("id,name,contacts.emails\nS1,Portage,portage@example.gov.uk\nS1,Youth Club,youth@example.gov.uk\n")
    return path


def test_run_with_strict_catalogue_stops_before_crawling(tmp_path, capsys):
    """The start URL is a closed port: only a run that got past the catalogue reaches the crawl."""
    _csv_with_shared_id(tmp_path)
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text(f"crawl:\n  start_urls: [http://127.0.0.1:9/]\n  db: {tmp_path / 'crawl.sqlite'}\n"
                   "checks:\n  catalogue: services.csv\n")
    assert main(["run", "--config", str(cfg), "--strict-catalogue"]) == 2
    assert "services.csv row 3, column 'id' (id): duplicate id 'S1'" in capsys.readouterr().err
    assert main(["run", "--config", str(cfg)]) == 2  # lenient: the catalogue passes, the crawl fails
    err = capsys.readouterr().err
    assert "start URLs" in err and "duplicate id" not in err


def test_strict_catalogue_in_the_config_file(tmp_path, capsys):
    _csv_with_shared_id(tmp_path)
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text(f"crawl:\n  db: {_store(tmp_path)}\nchecks:\n  catalogue: services.csv\n  strict_catalogue: true\n")
    assert main(["check", "--config", str(cfg), "--out", str(tmp_path / "reports")]) == 2
    assert "duplicate id 'S1'" in capsys.readouterr().err


def test_xlsx_rows_are_salvaged_too(tmp_path):
    import openpyxl

    from checks.catalogue import load_catalogue

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["id", "name", "contacts.phones", "age_range"], ["A1", "Portage", "0113 496 0001", "0-5"],
                ["A1", "Sensory Play", "12", "8-3"], [None, "No Ref Club", "0113 496 0003", "5-11"]):
        ws.append(row)
    wb.save(tmp_path / "s.xlsx")
    catalogue = load_catalogue(str(tmp_path / "s.xlsx"), strict=False)
    assert [s.id for s in catalogue.services] == ["A1", "A1#2"]
    got = {(p.kind, p.field, p.position.get("row")) for p in catalogue.problems}
    assert got == {("duplicate-id", "id", 3), ("invalid-field", "contacts.phones", 3),
                   ("invalid-field", "age_range", 3), ("missing-field", "id", 4)}


def test_one_problem_per_value_dropped(tmp_path):
    from checks.catalogue import load_catalogue

    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"id": "1", "name": "Portage", "minimum_age": -3, "maximum_age": 5,
                                 "phones": [{"number": "12"}, {"number": "0113 496 0001"}, {"number": "34"}]}]))
    catalogue = load_catalogue(str(path), strict=False)
    got = sorted((p.field, p.value) for p in catalogue.problems)
    assert got == [("age_range", '{"min": -3, "max": 5}'), ("contacts.phones", "12"), ("contacts.phones", "34")]
    assert catalogue.services[0].phones == ("0113 496 0001",) and catalogue.services[0].age_min is None


def test_a_record_links_to_its_own_website_on_another_port(tmp_path):
    """Hosts differ by port on loopback (as in the demo): the service's site still counts."""
    from checks.rules.catalogue import own_hosts, record_view
    from checks.index.siteindex import SiteIndex
    from crawler.model import Link
    from crawler.store import StoreReader, StoreWriter

    record = "http://127.0.0.1:8001/service.page?id=1"
    writer = StoreWriter(tmp_path / "c.sqlite")
    run = writer.start_run(["http://127.0.0.1:8001/"], ["127.0.0.1:8001"], {})
    links = [Link(source=record, target="http://127.0.0.1:8002/portage", href="http://127.0.0.1:8002/portage",
                  region="main", kind="external"),
             Link(source=record, target="https://www.facebook.com/portage", href="https://www.facebook.com/portage",
                  region="main", kind="external")]
    writer.save_page(run, Page(url=record, final_url=record, status=200, content_type="text/html", title="Portage"), links)
    writer.finish_run(run)
    writer.close()
    site = SiteIndex.build(StoreReader(tmp_path / "c.sqlite"))
    own = own_hosts(site)
    assert own == {"127.0.0.1:8001"} and record_view(site, record, own).web
    assert not record_view(site, record, {"127.0.0.1:8001", "127.0.0.1:8002"}).web  # facebook alone is no website
