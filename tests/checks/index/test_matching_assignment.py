"""Matching as one assignment: sibling names, evidence, ambiguity, record signals, contacts
read from the whole record (sources kept), extra contacts."""

from __future__ import annotations

from checks.catalogue.model import Service
from checks.index.matching import match_services
from crawler.pagebuild import record_meta
from crawler.parse import parse_html
from lo_audit.config import ChecksConfig
from checks.rules import contact as contact_rules, service as service_rules
from rules_storekit import DIR, by_subject, page, run_rule

OUT = f"{DIR}/services/"
FILLER = [("Portage", "portage"), ("Sleep Clinic", "sleep"), ("Wheelchair Service", "wheels"),
          ("Carers Hub", "carers"), ("Toy Library", "toys"), ("Sensory Room", "sensory")]


def rec(slug: str, name: str, html_body: str = "", **kw):
    """A record page built from real HTML through the crawler's parser (meta as the crawler stores it)."""
    parsed = parse_html(f"<html><head><title>{name} | Kirton Directory</title></head><body>"
                        f"<header>Call the council on 0300 123 4567</header><main><h1>{name}</h1>{html_body}</main>"
                        f"<footer><a href='mailto:web@kirton.gov.uk'>web team</a></footer></body></html>")
    return page(OUT + slug, title=parsed.title, headings=parsed.headings, main_text=parsed.main_text,
                meta={"fields": parsed.fields, **record_meta(parsed)}, **kw)


def family_site():
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)]
    for i, part in enumerate(["Art", "Walking", "Chess", "Spanish", "Gardening"]):
        pages.append(rec(f"{i + 1}-u3a-{part.lower()}", f"U3A Kirton - {part}",
                         "<aside><p>Email u3a.kirton [at] example.org</p><p>Tel 01205 722 000</p></aside>"))
    pages += [rec("20-zumba-gold", "Zumba Gold"), rec("21-kirton-youth-club", "Kirton Youth Club"),
              rec("22-youth-club", "Youth Club")]
    return pages


def u3a(part: str, sid: str) -> Service:
    return Service(sid, f"U3A Kirton - {part}", emails=("U3A.Kirton@example.org",), phones=("01205 722000",))


def test_siblings_keep_their_own_records_and_missing_ones_stay_missing(make_ctx):
    services = [u3a("Art", "a"), u3a("Walking", "w"), u3a("Chess", "c"), u3a("Pottery", "p"),
                Service("z", "Zumba"), Service("zg", "Zumba Gold"), Service("y", "Youth Club"),
                Service("ky", "Kirton Youth Club"), *(Service(slug, name) for name, slug in FILLER)]
    ctx = make_ctx(pages=family_site(), services=services)
    matches = match_services(services, ctx.site)
    assert matches["a"].page.url.endswith("-u3a-art") and matches["w"].page.url.endswith("-u3a-walking")
    assert matches["c"].page.url.endswith("-u3a-chess")
    assert not matches["p"].found, "Pottery must not take Spanish or Gardening through the shared email"
    assert not matches["z"].found, "Zumba is not Zumba Gold"
    assert matches["zg"].page.url.endswith("zumba-gold") and matches["y"].page.url.endswith("22-youth-club")
    assert matches["ky"].page.url.endswith("kirton-youth-club")
    art = matches["a"]
    assert art.method == "name" and art.name_score == 100 and art.runner_up and art.runner_up_score < art.total
    assert {"email", "phone"} <= set(art.signals) and art.record_signal == "url:outpost"
    assert not any(m.ambiguous for m in matches.values())
    assert sorted(f.subject for f in run_rule(service_rules.missing, ctx)) == ["p", "z"]
    unlisted = sorted(f.url.rsplit("/", 1)[-1] for f in run_rule(service_rules.unlisted, ctx))
    assert unlisted == ["4-u3a-spanish", "5-u3a-gardening"]


def test_two_records_too_close_to_call_are_ambiguous(make_ctx):
    services = [Service("ps", "Parent Support Group"), *(Service(slug, name) for name, slug in FILLER)]
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)]
    pages += [rec("1-parent-support-group", "Parent Support Group"), rec("2-parent-support-group", "Parent Support Group")]
    ctx = make_ctx(pages=pages, services=services)
    amb = run_rule(service_rules.ambiguous, ctx)
    assert [f.subject for f in amb] == ["ps"]
    assert sorted(c["url"].rsplit("/", 1)[-1] for c in amb[0].evidence["candidates"]) == \
        ["1-parent-support-group", "2-parent-support-group"]
    assert not run_rule(service_rules.missing, ctx) and not run_rule(service_rules.unlisted, ctx)


def test_contacts_from_sidebar_text_formats_and_extras(make_ctx):
    body = ("<p>For ages 5 to 11.</p></main><aside class='contact'><h2>Contact</h2>"
            "<p>Email: Play.Team(at)kirton(dot)gov(dot)uk</p><p>Phone: (01205) 722001</p>"
            "<p>Old line: 01205 722999</p><p>Address: Market Place, pe20 1aa</p></aside><main>")
    services = [Service("pl", "Play Scheme", emails=("play.team@kirton.gov.uk",), phones=("+44 1205 722001",),
                        postcode="PE20 1AA", age_min=5, age_max=11),
                *(Service(slug, name) for name, slug in FILLER)]
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)] + [rec("9-play", "Play Scheme", body)]
    ctx = make_ctx(pages=pages, services=services)
    for rule_id in ("contact.phone", "contact.email", "contact.postcode", "service.age-mismatch"):
        assert run_rule(rule_id, ctx) == [], f"{rule_id}: a different format is not a finding"
    extra = run_rule(contact_rules.extra, ctx)
    assert [f.evidence["extra"] for f in extra] == [{"phone": ["+441205722999"]}]
    assert extra[0].evidence["sources"] == {"+441205722999": ["panel"]}
    assert "0300" not in extra[0].found and "web@" not in extra[0].found, "header and footer are the site's"


def test_different_value_is_reported_with_its_source(make_ctx):
    services = [Service("pl", "Play Scheme", emails=("play@kirton.gov.uk",)), *(Service(s, n) for n, s in FILLER)]
    body = "<aside><a href='mailto:PLAY-OLD@kirton.gov.uk'>Email us</a></aside>"
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)] + [rec("9-play", "Play Scheme", body)]
    found = by_subject(run_rule(contact_rules.email, make_ctx(pages=pages, services=services)))["pl"]
    assert found.evidence["found"] == ["play-old@kirton.gov.uk"]
    assert found.evidence["sources"] == {"play-old@kirton.gov.uk": ["mailto"]}


def test_record_signals(make_ctx):
    jsonld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"GovernmentService",'
              '"name":"Sleep Clinic","provider":{"@type":"Organization","name":"Kirton NHS Trust"}}</script>')
    council = '<script type="application/ld+json">{"@type":"Organization","name":"Kirton Council"}</script>'

    def html_page(url, name, extra="", cls=""):
        parsed = parse_html(f"<html><head><title>{name}</title>{extra}{council}</head>"
                            f"<body><main class='{cls}'><h1>{name}</h1></main></body></html>")
        return page(url, title=parsed.title, headings=parsed.headings, meta=record_meta(parsed))

    pages = [html_page(f"https://www.kirton.gov.uk/news/{i}", f"News {i}") for i in range(6)]
    pages += [html_page("https://www.kirton.gov.uk/health/sleep", "Sleep Clinic", jsonld),
              html_page("https://www.kirton.gov.uk/directory-record/1234/toy-library", "Toy Library"),
              html_page("https://www.kirton.gov.uk/service-directory/carers-hub", "Carers Hub"),
              html_page("https://www.kirton.gov.uk/service-directory/search", "Search"),
              html_page("https://www.kirton.gov.uk/info/portage", "Portage", cls="record-page wide"),
              html_page("https://www.kirton.gov.uk/things/wheels", "Wheelchair Service")]
    config = ChecksConfig(service_markers=("main.record-page",), service_url_patterns=(r"/things/[a-z]+$",))
    site = make_ctx(pages=pages, config=config).site
    signals = {p.url.rsplit("/", 1)[-1]: site.record_signal(p) for p in pages}
    assert signals == {**{str(i): "" for i in range(6)}, "sleep": "schema:GovernmentService",
                       "toy-library": "url:jadu", "carers-hub": "url:cms-directory", "search": "",
                       "portage": "marker:main.record-page", "wheels": "config:service_url_patterns"}


def test_one_record_at_several_addresses_is_one_record(make_ctx):
    """The reviewer's site: listing links add ``?source=listing&page=N``, each record has a
    "Print this page" link to ``<record>/print``, no canonical; every address serves the same
    bytes. Each record must be one record, not a pair of rivals and two unlisted pages."""
    names = ["Autism Support Group", "Autism Support Group - Teens", "Autism Support Group - Under 5s",
             "Zumba", "Zumba Gold", "Youth Club", "Kirton Youth Club", "Parent Carer Forum",
             "Parent Carer Forum Youth", "Speech and Language Therapy", "Speech and Language Therapy - Adults"]
    base = "https://www.kirton.gov.uk/find-a-service/"
    pages = []
    for i, name in enumerate(names):
        slug = name.lower().replace(" - ", "-").replace(" ", "-")
        ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"Service",'
              f'"name":"{name}","provider":{{"@type":"Organization","name":"Kirton partners"}}}}</script>')
        parsed = parse_html(f"<html><head><title>{name} | Kirton</title>{ld}</head><body><main><h1>{name}</h1>"
                            f"<p>Friendly sessions for children with SEND. Call 01205 72{i:04d}.</p>"
                            f"<p><a href='/find-a-service/{slug}/print'>Print this page</a></p></main></body></html>")
        urls = [f"{base}{slug}?source=listing&page={1 + i // 4}", f"{base}{slug}/print"]
        if i % 3 == 0:
            urls.append(base + slug)  # also linked plainly from a sibling's "related" list
        for url in urls:
            pages.append(page(url, title=parsed.title, headings=parsed.headings, main_text=parsed.main_text,
                              content_hash=f"h{i}", meta=record_meta(parsed)))
    services = [Service(f"s{i}", n) for i, n in enumerate(names) if not n.endswith("Adults")]
    services.append(Service("mk", "Makaton Signing Class"))
    ctx = make_ctx(pages=pages, services=services)
    matches = match_services(services, ctx.site)
    assert not [sid for sid, m in matches.items() if m.ambiguous]
    for i, name in enumerate(names[:-1]):
        url = ctx.site.url_of(matches[f"s{i}"].page)
        assert "/print" not in url and (i % 3 or "?" not in url), url
        assert matches[f"s{i}"].name_score == 100
    assert not run_rule(service_rules.ambiguous, ctx)
    assert [f.subject for f in run_rule(service_rules.missing, ctx)] == ["mk"]
    unlisted = [f.url for f in run_rule(service_rules.unlisted, ctx)]
    assert len(unlisted) == 1 and "speech-and-language-therapy-adults" in unlisted[0] and "/print" not in unlisted[0]


def test_records_without_configuration_drupal_nodes_and_schema_names_with_the_site_name(make_ctx):
    """The reviewer's sites: Drupal ``/node/N`` records (``node--type-service``, labelled
    telephone and email fields) with no ``service_markers``; JSON-LD names carrying the
    site's name ("Zumba - Testshire Family Directory"). A news node (``node--type-article``),
    a listing of service teasers and a page naming an organisation stay articles."""
    def drupal(url, name, node_type="service", fields=True, teaser=False):
        mode = " node--view-mode-teaser" if teaser else ""
        body = (f"<article class='node node--type-{node_type}{mode}'><h1 class='page-title'>{name}</h1>"
                "<div class='field field--name-body'><p>Sessions for disabled children.</p></div>")
        if fields:
            body += ("<div class='field field--name-field-telephone'><div class='field__label'>Telephone</div>"
                     "<div class='field__item'>0113 496 0301</div></div><div class='field field--name-field-email'>"
                     "<div class='field__label'>Email</div><div class='field__item'>zumba@example.org</div></div>")
        parsed = parse_html(f"<html><head><title>{name} | Testshire</title></head><body><main>{body}</article>"
                            "</main></body></html>")
        return page(url, title=parsed.title, headings=parsed.headings, main_text=parsed.main_text,
                    meta={"fields": parsed.fields, **record_meta(parsed)})

    def schema(url, name, ld_name):
        ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"Service",'
              f'"name":"{ld_name}"}}</script>')
        parsed = parse_html(f"<html><head><title>{name} | Testshire</title>{ld}</head><body><main><h1>{name}</h1>"
                            "<p>Friendly sessions.</p></main></body></html>")
        return page(url, title=parsed.title, headings=parsed.headings, main_text=parsed.main_text,
                    meta=record_meta(parsed))

    base = "https://www.testshire.gov.uk"
    pages = [drupal(f"{base}/node/100", "Zumba"), drupal(f"{base}/node/107", "Portage Home Visiting"),
             drupal(f"{base}/node/114", "Dyslexia Support Network", node_type="directory_entry"),
             drupal(f"{base}/node/5", "New sensory room opens", node_type="article", fields=False),
             drupal(f"{base}/node/6", "Services for families", node_type="service", fields=False, teaser=True),
             schema(f"{base}/find-a-service/autism-support-group", "Autism Support Group",
                    "Autism Support Group - Testshire Family Directory"),
             schema(f"{base}/find-a-service/youth-club", "Youth Club", "Testshire Family Directory | Youth Club"),
             schema(f"{base}/about", "About us", "Testshire Parent Carer Forum"),
             schema(f"{base}/autism", "Autism", "Autism Support Group - Teens"),
             rec("x/makaton-news", "Makaton Signing Class starts in May")]
    site = make_ctx(pages=pages).site
    signals = {p.url.rsplit("/", 1)[-1]: site.record_signal(p) for p in pages}
    assert signals == {"100": "class:node--type-service", "107": "class:node--type-service",
                       "114": "class:node--type-directory_entry+field--name-field-email", "5": "", "6": "",
                       "autism-support-group": "schema:Service", "youth-club": "schema:Service",
                       "about": "", "autism": "", "makaton-news": ""}
    services = [Service("z", "Zumba"), Service("a", "Autism Support Group"), Service("y", "Youth Club"),
                Service("m", "Makaton Signing Class"), *(Service(slug, name) for name, slug in FILLER)]
    ctx = make_ctx(pages=pages, services=services)
    matches = match_services(services, ctx.site)
    assert matches["z"].page.url.endswith("/node/100") and matches["z"].record_signal == "class:node--type-service"
    assert matches["a"].found and matches["y"].found
    missing = by_subject(run_rule(service_rules.missing, ctx))
    assert "m" in missing and missing["m"].evidence["best_candidate"].endswith("makaton-news"), \
        "the closest page is shown even when it is not a record"


def test_close_names_with_no_competitor_are_matched_siblings_stay_apart(make_ctx):
    """cat1d's names: "Young Carers Sibling Group" for the record "Young Carers Project -
    Sibling Group" (77 %), "SEND Information, Advice and Support Service (SENDIASS)" for
    "SENDIASS"; no contact details in the catalogue. Siblings with a word of their own
    (Pottery / Spanish, Adults / Teens) stay missing and unlisted."""
    pages = family_site()
    pages += [rec("30-young-carers-project", "Young Carers Project"),
              rec("31-young-carers-project-sibling-group", "Young Carers Project - Sibling Group"),
              rec("32-sendiass", "SENDIASS"), rec("33-autism-teens", "Autism Support Group - Teens"),
              rec("34-autism", "Autism Support Group")]
    services = [u3a("Art", "a"), u3a("Walking", "w"), u3a("Chess", "c"), u3a("Pottery", "p"),
                Service("zg", "Zumba Gold"), Service("y", "Youth Club"), Service("ky", "Kirton Youth Club"),
                Service("yc", "Young Carers Project"), Service("ys", "Young Carers Sibling Group"),
                Service("si", "SEND Information, Advice and Support Service (SENDIASS)"),
                Service("as", "Autism Support Group"), Service("aa", "Autism Support Group - Adults"),
                *(Service(slug, name) for name, slug in FILLER)]
    ctx = make_ctx(pages=pages, services=services)
    matches = match_services(services, ctx.site)
    assert matches["ys"].page.url.endswith("31-young-carers-project-sibling-group")
    assert matches["ys"].method == "close-name" and not matches["ys"].ambiguous
    assert matches["si"].page.url.endswith("32-sendiass")
    assert matches["yc"].page.url.endswith("30-young-carers-project")
    assert not matches["p"].found and not matches["aa"].found
    assert sorted(f.subject for f in run_rule(service_rules.missing, ctx)) == ["aa", "p"]
    unlisted = sorted(f.url.rsplit("/", 1)[-1] for f in run_rule(service_rules.unlisted, ctx))
    assert unlisted == ["33-autism-teens", "4-u3a-spanish", "5-u3a-gardening"]


def test_numbers_are_shown_as_the_page_writes_them(make_ctx):
    """The owner reads "0117 496 0999" as on the page, not "+441174960999"; the comparison
    is still on the normalised number (format-only differences are no finding)."""
    services = [Service("pl", "Play Scheme", phones=("0117 496 0777",)),
                Service("yc", "Youth Cafe", phones=("(0117) 4960401",)), *(Service(s, n) for n, s in FILLER)]
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)]
    pages += [rec("9-play", "Play Scheme", "<aside><h2>Contact</h2><p>Telephone: 0117 496 0999</p></aside>"),
              rec("10-youth-cafe", "Youth Cafe", "<p>Call +44 117 496 0401 or our old line (0117) 496-0402.</p>")]
    ctx = make_ctx(pages=pages, services=services)
    found = by_subject(run_rule(contact_rules.phone, ctx))
    assert list(found) == ["pl"]
    assert found["pl"].found == "0117 496 0999" and found["pl"].expected == "0117 496 0777"
    assert found["pl"].evidence["found"] == ["+441174960999"]
    extra = by_subject(run_rule(contact_rules.extra, ctx))["yc"]
    assert extra.found == "(0117) 496-0402"


def test_close_names_whose_contact_details_all_disagree_stay_apart(make_ctx):
    """A catalogue's "Pinchmere North Walking" and a directory's "Pinchmere Walking" (a
    sibling group the catalogue lacks), each with its own number and address: two services,
    one missing and one unlisted, not one whose every contact detail is wrong (four false
    findings for its owner). A close name that shares an email, or whose record gives no
    contact details, is still matched."""
    pages = [rec(f"{i}-{slug}", name) for i, (name, slug) in enumerate(FILLER, 100)]
    pages += [rec("40-pinchmere-walking", "Pinchmere Walking",
                  "<aside><p>Email walking@pinchmere-u3a.example.org</p><p>Tel 0161 496 0201</p></aside>"),
              rec("41-young-carers-project-sibling-group", "Young Carers Project - Sibling Group",
                  "<aside><p>Email siblings@carers.example.org</p><p>Tel 0161 496 0777</p></aside>"),
              rec("42-sendiass", "SENDIASS")]
    services = [Service("pn", "Pinchmere North Walking", phones=("0161 496 0301",),
                        emails=("north.walking@pinchmere.example.org",)),
                Service("ys", "Young Carers Sibling Group", phones=("0161 496 0999",),
                        emails=("siblings@carers.example.org",)),
                Service("si", "SEND Information, Advice and Support Service (SENDIASS)"),
                *(Service(slug, name) for name, slug in FILLER)]
    ctx = make_ctx(pages=pages, services=services)
    matches = match_services(services, ctx.site)
    assert not matches["pn"].found
    assert matches["ys"].page.url.endswith("41-young-carers-project-sibling-group")
    assert matches["si"].page.url.endswith("42-sendiass")
    assert [f.subject for f in run_rule(service_rules.missing, ctx)] == ["pn"]
    assert [f.url.rsplit("/", 1)[-1] for f in run_rule(service_rules.unlisted, ctx)] == ["40-pinchmere-walking"]
    assert [f.subject for f in run_rule(contact_rules.phone, ctx)] == ["ys"]  # its own number is wrong
    assert not run_rule(contact_rules.email, ctx)
