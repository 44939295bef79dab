"""Directory service records (kb5 ``service.page``) and the "latest services" JSON API."""

from __future__ import annotations

import json
from html import escape

from lo_audit.demo.content import KB5, Record, long_date, organisations, records, slugify
from lo_audit.demo.layout import dir_page

CHANNELS = {
    1: "Education and learning",
    2: "Health",
    3: "Social care and short breaks",
    4: "Preparing for adulthood",
    5: "Advice and support",
    6: "Early years and childcare",
    7: "Travel and transport",
    8: "Complaints and mediation",
}
API_PAGE_SIZE = 6
_TOUCH = (
    "Call or email us if you have a question. We are glad to help. We will get back to you in a few days.",
    "Give us a call if you are not sure. We can talk it through with you and find the right team.",
    "Send us an email or call us. Tell us a bit about your child and what help you need.",
)


def org_id(key: str) -> str:
    """The organisation page id of organisation ``key``."""
    return "org-" + slugify(key)


def tel_href(phone: str) -> str:
    """``0117 496 0123`` -> ``tel:01174960123``."""
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def record_body(r: Record) -> str:
    """The inside of ``<main>`` for one record.

    The order keeps every run of text between full stops short, even when a reader
    joins the page's lines together (the dd values that end a sentence come last).
    """
    org = organisations()[r.org]
    rows = [
        ("Contact name", escape(r.contact_name)),
        ("Telephone", f'<a href="{tel_href(r.phone)}">{escape(r.phone)}</a>'),
        ("Age range", f"{r.age_min} to {r.age_max} years."),
        ("Email", f'<a href="mailto:{escape(r.email)}">{escape(r.email)}</a>'),
        ("Website", f'<a href="{escape(r.website)}">{escape(r.website)}</a>'),
        ("Cost", escape(_sentence(r.cost))),
        ("Last updated", f'<time datetime="{r.updated}">{long_date(r.updated)}</time>'),
        ("How to access", escape(_sentence(r.referral))),
        ("Address", escape(r.address)),
        ("Postcode", escape(r.postcode)),
    ]
    dl = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    answers = "\n".join(f"<li>{escape(a)}</li>" for a in r.local_offer)
    return f"""<h1>{escape(r.name)}</h1>
<p class="description">{escape(r.description)}</p>
<section class="local-offer" aria-labelledby="local-offer">
<h2 id="local-offer">SEND Local Offer</h2>
<p>This service is part of the special educational needs and disabilities (SEND) Local Offer.</p>
<ul>
{answers}
</ul>
</section>
<h2 id="contact-details">Contact details</h2>
<dl class="record">
{dl}
</dl>
<h2 id="get-in-touch">Get in touch</h2>
<p>{_TOUCH[sum(map(ord, r.id)) % len(_TOUCH)]} You can ask for this page in print.</p>
<p>Run by <a href="{KB5}/organisation.page?id={org_id(r.org)}">{escape(org['name'])}</a>.</p>"""


def record_page(r: Record) -> str:
    """The full record page, with ``<link rel="canonical">`` to the plain URL."""
    head = f'<link rel="canonical" href="{{dir}}{escape(r.path)}">'
    crumbs = [(f"{KB5}/home.page", "Directory home"),
              (f"{KB5}/localoffer.page?localofferchannel={r.channel}", CHANNELS[r.channel])]
    return dir_page(r.name, record_body(r), crumbs, head)


def latest() -> list[Record]:
    """The "latest services" list: recent records, with the script-only ones mixed in."""
    shown = sorted((r for r in records() if not r.js_only and r.service_id), key=lambda r: (r.updated, r.id),
                   reverse=True)[:14]
    hidden = [r for r in records() if r.js_only]
    out = list(shown)
    for index, r in zip((0, 6, 12, 13), hidden):
        out.insert(index, r)
    return out


def api_services(page: int) -> tuple[int, str]:
    """``/api/services?page=N``: (status, JSON text)."""
    items = latest()
    total = (len(items) + API_PAGE_SIZE - 1) // API_PAGE_SIZE
    if page < 1 or page > total:
        return 404, json.dumps({"error": "no such page", "total_pages": total})
    chunk = items[(page - 1) * API_PAGE_SIZE: page * API_PAGE_SIZE]
    return 200, json.dumps({
        "page": page, "total_pages": total, "total_items": len(items),
        "services": [{"name": r.name, "url": r.path, "summary": r.description.split(". ")[0].rstrip(".") + ".",
                      "updated": r.updated} for r in chunk],
    }, indent=1)
