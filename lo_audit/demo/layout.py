"""The page shells of the two demo hosts: a council CMS and a kb5-style directory.

Both use proper landmarks (header, nav, main, footer), ``lang="en"``, a skip link and
colours with good contrast, so only the planted defects fail the checks.
"""

from __future__ import annotations

from html import escape

from lo_audit.demo.content import KB5

CMS_NAV = (
    ("/send/", "Home"),
    ("/send/education/", "Education"),
    ("/send/ehc-plans/", "Education, health and care plans"),
    ("/send/health/", "Health"),
    ("/send/social-care/", "Social care"),
    ("/send/childcare/", "Childcare"),
    ("/send/adulthood/", "Preparing for adulthood"),
    ("/send/advice/", "Advice and support"),
    ("/send/complaints/", "Complaints"),
)

CMS_FOOTER = (
    ("/send/contact-us", "Contact us"),
    ("/send/accessibility-statement", "Accessibility statement"),
    ("/send/offline-access", "Get this information in other ways"),
    ("/send/you-said-we-did", "You said, we did"),
    ("/send/our-send-strategy-and-inspection", "Our plans and inspections"),
)

DIR_NAV = (
    (f"{KB5}/home.page", "Directory home"),
    (f"{KB5}/results.page?qt=&page=1", "All services"),
    (f"{KB5}/localoffer.page?localofferchannel=0", "Local Offer categories"),
    ("{cms}/send/", "Local Offer home"),
)

COOKIE_BANNER = """<section class="cookie-banner" id="cookie-banner" aria-label="Cookies on this site">
<p>We use some cookies to make this website work and to count visits.</p>
<button type="button" class="button" data-cookie="accept">Accept cookies</button>
<button type="button" class="button" data-cookie="reject">Reject cookies</button>
</section>"""


def _links(items, current: str = "") -> str:
    out = []
    for href, text in items:
        mark = ' aria-current="page"' if href == current else ""
        out.append(f'<li><a href="{escape(href)}"{mark}>{escape(text)}</a></li>')
    return "\n".join(out)


def _crumbs(crumbs: list[tuple[str, str]]) -> str:
    if not crumbs:
        return ""
    items = _links(crumbs)
    return f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>\n{items}\n</ol></nav>'


def _page(title: str, site: str, head: str, banner: str, header: str, nav: str, crumbs: str,
          body: str, footer: str, scripts: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(site)}</title>
<link rel="stylesheet" href="/assets/site.css">
{head}
</head>
<body>
<a class="skip-link" href="#main-content">Skip to main content</a>
{banner}
{header}
{nav}
{crumbs}
<main id="main-content">
{body}
</main>
{footer}
{scripts}
</body>
</html>
"""


def cms_page(title: str, body: str, path: str, crumbs: list[tuple[str, str]] | None = None,
             head: str = "") -> str:
    """A CMS article page (``body`` is the inside of ``<main>``)."""
    header = ('<header class="site-header"><a class="logo" href="/send/">Exampleshire County Council</a>'
              '<p class="site-name">SEND Local Offer</p></header>')
    nav = f'<nav class="main-nav" aria-label="Main"><ul>\n{_links(CMS_NAV, path)}\n</ul></nav>'
    footer = (f'<footer class="site-footer"><ul>\n{_links(CMS_FOOTER)}\n</ul>'
              '<p>Exampleshire County Council, County Hall, Market Street, Exampletown.</p></footer>')
    return _page(title, "Exampleshire SEND Local Offer", head, COOKIE_BANNER, header, nav,
                 _crumbs(crumbs or []), body, footer, '<script src="/assets/cookies.js"></script>')


def dir_page(title: str, body: str, crumbs: list[tuple[str, str]] | None = None, head: str = "",
             scripts: str = "") -> str:
    """A directory page (``body`` is the inside of ``<main>``)."""
    header = (f'<header class="site-header"><a class="logo" href="{KB5}/home.page">Exampleshire Family Directory</a>'
              '<p class="site-name">Services for children, young people and families</p></header>')
    nav = f'<nav class="main-nav" aria-label="Directory"><ul>\n{_links(DIR_NAV)}\n</ul></nav>'
    footer = (f'<footer class="site-footer"><ul>\n'
              f'<li><a href="{KB5}/advice.page?id=about-the-directory">About this directory</a></li>\n'
              f'<li><a href="{{cms}}/send/accessibility-statement">Accessibility statement</a></li>\n'
              f'<li><a href="{KB5}/admin/login.page">Provider login</a></li>\n'
              '</ul><p>Run by Exampleshire County Council.</p></footer>')
    return _page(title, "Exampleshire Family Directory", head, "", header, nav, _crumbs(crumbs or []),
                 body, footer, scripts)


def modified_meta(iso: str) -> str:
    """``<meta property="article:modified_time">`` for an ISO date."""
    return f'<meta property="article:modified_time" content="{iso}T09:00:00+00:00">'
