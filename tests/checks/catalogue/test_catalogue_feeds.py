"""Real-shaped messy catalogues audited through ``lo-audit check``: the audit completes,
each planted defect is one ``catalogue.*`` finding (recall and precision are printed), and
``--strict-catalogue`` / ``catalogue validate`` still stop with every problem listed.

Fixtures (``tests/checks/catalogue/data/feeds/``): an Open Place-style ORUK v1 feed, an ORUK 3.0 page
and a spreadsheet export with its own headings; ``truth.yml`` lists the planted defects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from checks_testkit import SITE, build_store
from crawler.model import Link, Page
from lo_audit.cli import main

DATA = Path(__file__).parent / "data" / "feeds"
SCHEMA = json.loads((Path(__file__).parents[3] / "checks/schemas/findings.schema.json").read_text())
FIXTURES = {
    "oruk_v1_northmoor.json": [],
    "oruk_v3_northmoor.json": [],
    "northmoor_services.csv": ["--mapping", str(DATA / "northmoor_mapping.yml")],
}
TODAY = "2026-11-01"
DIR = f"{SITE}/kb5/northmoor/directory/service.page?id="


def _record(url: str, title: str, text: str, **extracted) -> Page:
    return Page(url=url, final_url=url, status=200, content_type="text/html", title=title, headings=((1, title),),
                main_text=text, depth=1, **extracted)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A small directory crawl: three record pages of v1 services, each showing some details."""
    pages = [
        Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html", title="Northmoor Local Offer",
             depth=0, found_via="start", main_text="Find services for children and young people with SEND."),
        _record(DIR + "1001", "Portage Home Visiting Service", "Home visiting for children aged 0 to 5. Call 0113 496 0201.",
                phones=("01134960201",), postcodes=("NM3 4QT",)),
        _record(DIR + "3120", "Short Breaks Youth Club", "Evening club for young people aged 11 to 19.",
                emails=("shortbreaks@northmoor.gov.uk",)),
        _record(DIR + "3301", "SENDIASS Northmoor", "Free, impartial advice about SEND."),
    ]
    links = [Link(source=f"{SITE}/", target=p.url, href=p.url, region="main") for p in pages[1:]]
    links.append(Link(source=DIR + "3120", target="https://www.northmoor.gov.uk/short-breaks/youth-club",
                      href="https://www.northmoor.gov.uk/short-breaks/youth-club", region="main", kind="external"))
    return build_store(tmp_path_factory.mktemp("feeds") / "crawl.sqlite", pages, links)


def _check(store: Path, out: Path, name: str, *extra: str) -> int:
    return main(["-q", "check", "--db", str(store), "--out", str(out), "--catalogue", str(DATA / name),
                 *FIXTURES[name], "--today", TODAY, "--fail-on", "never", *extra])


def _key(finding: dict) -> tuple[str, str, str]:
    evidence = finding["evidence"]
    record = finding["service_id"] or evidence.get("record_id") or evidence.get("record_name")
    return finding["rule"], record, evidence.get("field", "")


@pytest.fixture(scope="module")
def folders(store, tmp_path_factory) -> dict[str, Path]:
    """The reports folder of one ``lo-audit check`` per fixture."""
    out = {}
    for name in FIXTURES:
        out[name] = tmp_path_factory.mktemp("reports")
        assert _check(store, out[name], name) == 0, name
    return out


@pytest.fixture(scope="module")
def audits(folders) -> dict[str, dict]:
    """findings.json of each fixture's audit."""
    return {name: json.loads((folder / "findings.json").read_text(encoding="utf-8")) for name, folder in folders.items()}


def test_each_planted_defect_is_found_and_nothing_else(audits, capsys):
    truth = yaml.safe_load((DATA / "truth.yml").read_text())
    rows, failures = [], []
    for name, data in audits.items():
        got = [_key(f) for f in data["findings"] if f["family"] == "catalogue"]
        wanted = {(t["rule"], t["record"], t["field"]) for t in truth[name]}
        tp = sum(1 for k in got if k in wanted)
        recall = len(wanted & set(got)) / len(wanted)
        precision = tp / len(got) if got else 0.0
        rows.append(f"{name:<26}{len(wanted):>8}{len(got):>10}{recall:>8.2f}{precision:>11.2f}")
        if recall < 1 or precision < 1 or len(got) != len(set(got)):
            failures.append((name, sorted(wanted - set(got)), sorted(k for k in got if k not in wanted)))
    with capsys.disabled():
        print(f"\n{'catalogue':<26}{'planted':>8}{'findings':>10}{'recall':>8}{'precision':>11}\n" + "\n".join(rows))
    assert not failures, failures


def test_findings_name_record_field_and_place(audits):
    by_key = {_key(f): f for f in audits["oruk_v1_northmoor.json"]["findings"]}
    email = by_key[("catalogue.invalid-field", "3301", "contacts.emails")]
    assert email["evidence"]["index"] == 7 and "services[7] (id '3301')" in email["message"]
    assert email["found"] == "sendias@northmoor,gov.uk" and email["evidence"]["record_name"] == "SENDIASS Northmoor"
    assert email["owner"] == "Northmoor SENDIASS"  # the service's owner, from the feed's organisation
    shared = by_key[("catalogue.duplicate-id", "2417#2", "id")]
    assert "services[2]" in shared["evidence"]["other"] and "'2417#2'" in shared["message"]
    csv_findings = {_key(f): f for f in audits["northmoor_services.csv"]["findings"]}
    phone = csv_findings[("catalogue.invalid-field", "LO-123", "contacts.phones")]
    assert phone["evidence"]["row"] == 9 and "column 'Telephone / Mobile'" in phone["evidence"]["where"]
    no_id = csv_findings[("catalogue.missing-field", "Zumba Gold", "id")]
    assert no_id["severity"] == "error" and no_id["evidence"]["row"] == 6 and not no_id["evidence"]["kept"]


def test_the_audit_goes_on_with_every_usable_record(audits):
    v1 = audits["oruk_v1_northmoor.json"]
    services = {s["id"]: s for s in v1["metrics"]["services"]}
    assert len(services) == 23 and {"2417", "2417#2", "3301", "3302"} <= set(services)
    assert "3308" not in services  # no name: left out
    assert services["1001"]["status"] == "found"
    csv_ids = {s["id"] for s in audits["northmoor_services.csv"]["metrics"]["services"]}
    assert len(csv_ids) == 17 and {"LO-118", "LO-118#2"} <= csv_ids


def test_completeness_of_the_feed_beside_the_site(audits):
    for data in audits.values():
        Draft202012Validator(SCHEMA).validate(data)
    v1 = audits["oruk_v1_northmoor.json"]["metrics"]["catalogue"]
    assert (v1["records"], v1["services"]) == (25, 23)
    assert v1["problems"] == {"duplicate-id": 2, "invalid-field": 8, "missing-field": 1}  # found while loading
    feed = v1["feed"]
    # 23 services: 3188 and 3316 have no contact, 3302's only phone is malformed but it has an email.
    assert feed["contact"] == {"count": 21, "total": 23, "percent": 91}
    # 3303's web address is malformed, 3316 has none.
    assert feed["web"]["count"] == 21
    # Assured since 2025-11-01: all but 3310, 3311, 3312 (old or none), 3313 (not a date) and 3316 (2022).
    assert feed["assured"] == {"count": 18, "total": 23, "percent": 78}
    # The three record pages: 1001 shows a phone, ages and a postcode; 3120 an email, ages and a
    # link to its own website; 3301 none of these.
    site = v1["site"]
    assert site["total"] == 3 and "assured" not in site
    assert [site[k]["count"] for k in ("contact", "web", "ages", "location")] == [2, 1, 2, 1]


@pytest.mark.parametrize("name", list(FIXTURES))
def test_strict_catalogue_and_validate_still_stop(store, tmp_path, capsys, name):
    assert _check(store, tmp_path / "reports", name, "--strict-catalogue") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "problem(s) in the catalogue" in err
    assert not (tmp_path / "reports" / "findings.json").exists()
    assert main(["catalogue", "validate", str(DATA / name), *FIXTURES[name]]) == 2
    listed = capsys.readouterr().err
    assert listed.count("\n  - ") >= 4


def test_services_page_shows_completeness_beside_the_site(folders):
    from checks.rules import all_rules
    from lo_audit.site.data import load_audit
    from lo_audit.site.generate import Context, generate

    page = generate(load_audit(folders["oruk_v1_northmoor.json"]), all_rules(), Context())["services.md"]
    assert "## How complete the catalogue is" in page
    assert "| A contact &#40;phone or email&#41; | 91% (21 of 23) | 67% (2 of 3) |" in page
    assert "| A web address | 91% (21 of 23) | 33% (1 of 3) |" in page
    assert "| Assured or reviewed within 12 months | 78% (18 of 23) | – |" in page
    assert "The catalogue holds 25 records; 23 were audited (2 left out or repeated)" in page


def test_finding_ids_do_not_depend_on_where_the_feed_is(store, audits, tmp_path):
    import shutil

    copy = tmp_path / "elsewhere" / "feed.json"
    copy.parent.mkdir()
    shutil.copy(DATA / "oruk_v1_northmoor.json", copy)
    out = tmp_path / "reports"
    assert main(["-q", "check", "--db", str(store), "--out", str(out), "--catalogue", str(copy),
                 "--today", TODAY, "--fail-on", "never"]) == 0
    moved = {f["id"] for f in json.loads((out / "findings.json").read_text())["findings"] if f["family"] == "catalogue"}
    before = {f["id"] for f in audits["oruk_v1_northmoor.json"]["findings"] if f["family"] == "catalogue"}
    assert moved == before and len(before) == 16
