"""The crawler's settings (the ``crawl:`` section of the configuration file), declared once.

Each setting is a field: its type and default, then ``option(...)`` with its flag, short help,
choices and limits (see ``common.options``), then its documentation. The command line, the
checks of the file and flags, and the README's table are all derived from these fields;
``crawler.crawl.crawl`` receives a ``CrawlConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.options import option
from common.urls import host_port, is_http_url

MAX_CONCURRENCY = 64
"""Pages fetched at once, at most: more only costs memory (each connection buffers a page)
and hammers the council's server; 64 is already far past what one host should take."""

DEFAULT_STRIP_PARAMS = (
    "utm_*", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga", "sessionid", "session_id",
    "jsessionid", "phpsessid", "sid", "aspsessionid*", "cfid", "cftoken",
)


@dataclass(frozen=True)
class CrawlConfig:
    """``crawl:`` — what to crawl and how politely."""

    start_urls: tuple[str, ...] = option((), flag="start_urls", metavar="START_URL", kind="url",
                                         help="where to start")
    """Where the crawl starts (the Local Offer home page, the directory home page)."""
    allow_hosts: tuple[str, ...] = option((), flag="--allow-host", metavar="HOST", kind="host",
                                          help="host (or host:port) to crawl; repeatable; default: the start URLs' hosts")
    """Hosts (``host`` or ``host:port``) that are crawled. Default: the start URLs' hosts.
    Links to other hosts are only status-checked, never crawled."""
    scope: tuple[str, ...] = option((), kind="url-prefix")
    """URL prefixes that are crawled and scored (``https://www.example.gov.uk/send-local-offer/``):
    pages outside them, even on allowed hosts, are only status-checked. Default: each start URL
    with a path limits its host to that folder; a service directory's own host, and allowed hosts
    without a start URL, are in scope whole."""
    db: str = option(".lo-audit/crawl.sqlite", flag="--db", help="the SQLite crawl store")
    """The SQLite crawl store."""
    max_pages: int = option(5000, flag="--max-pages", minimum=1, help="stop after this many pages")
    """Stop queueing new pages after this many; the rest are recorded with guard ``max-pages``."""
    max_depth: int = option(30, flag="--max-depth", minimum=1, help="clicks from a start URL to follow")
    """Links further than this many clicks from a start URL are not followed."""
    max_per_pattern: int = option(5000, minimum=1)
    """At most this many pages per URL template (ids and numbers replaced): a backstop trap guard
    behind the calendar and faceted-search guards. Large directories keep thousands of records
    under one template (kb5 ``service.page?id=``), so keep it at least the directory's size."""
    concurrency: int = option(8, flag="--concurrency", minimum=1, maximum=MAX_CONCURRENCY,
                              help="pages fetched at once")
    """Pages fetched at once; browser tabs are at most this and 4
    (rendering is CPU-bound: on 2 cores 4 tabs render as fast as 6 with less memory), and they
    never hold up plain HTTP fetching."""
    rate: float = option(3.0, flag="--rate", minimum=0, reads="requests per second (0 = unlimited)",
                         help="requests per second per host; 0 = unlimited")
    """Requests per second per host; 0 means unlimited (for local benchmarks)."""
    ignore_robots: bool = option(False, flag="--ignore-robots",
                                 help="do not obey robots.txt (site owner's consent only)")
    """Crawl paths that robots.txt disallows. Only with the site owner's consent."""
    render: str = option("auto", flag="--render", choices=("auto", "always", "never"),
                         help="when to render in Chromium")
    """``auto`` renders in Chromium only pages whose HTML shows they need JavaScript (an empty
    app root, an app bootstrap, a "load more" control, scripts that fetch data or build links...)
    and pages of layouts that sample renders show to change with JavaScript; ``always`` renders
    every HTML page; ``never`` uses plain HTTP only."""
    timeout: float = option(20.0, flag="--timeout", above=0, unit="seconds", reads="seconds",
                            help="seconds allowed per page")
    """Seconds allowed for one page."""
    total_timeout: float = option(3600.0, minimum=0, unit="seconds")
    """Seconds allowed for the whole crawl; what is left is recorded with guard ``timeout``."""
    max_page_bytes: int = option(5_000_000, minimum=1)
    """Pages larger than this are recorded with guard ``too-large`` and not parsed."""
    strip_params: tuple[str, ...] = DEFAULT_STRIP_PARAMS
    """Query parameters removed when normalising URLs (tracking and session ids; ``*`` wildcards)."""
    cookie_selectors: tuple[str, ...] = ()
    """Extra CSS selectors of cookie-banner buttons to click (common patterns are built in)."""
    load_more_selectors: tuple[str, ...] = ()
    """Extra CSS selectors of "load more"/"next" buttons to click on rendered pages."""
    max_load_more: int = 20
    """Clicks on "load more" per page, at most."""
    contact_url: str = ""
    """A URL about your audit, sent in the User-Agent so site owners can reach you."""
    headers: dict[str, str] = option(default_factory=dict)
    """Extra request headers (e.g. for a staging site). Values ``${VAR}`` are read from the
    environment. Never written to reports, logs or the site."""
    cookies: dict[str, str] = option(default_factory=dict)
    """Cookies sent to allowed hosts; ``${VAR}`` values come from the environment. Never written out."""
    allow_private: bool = False
    """Allow status checks of external links that resolve to private, loopback or link-local
    addresses (allowed hosts you name yourself are always allowed)."""
    check_external: bool = True
    """Status-check links to other hosts (and documents the crawl did not fetch)."""
    link_checker: str = option("builtin", choices=("builtin", "linkchecker"))
    """How links to other hosts are status-checked: ``builtin`` (in the crawler's process:
    each target once, HEAD first and GET when HEAD fails, a few at once per host, every hop
    screened for private addresses as it connects) or ``linkchecker`` (the linkchecker
    program, sent through a local proxy that applies the same screen; slower, as it starts a
    process of its own)."""
    link_cache_days: float = option(7.0, minimum=0)
    """Links to other hosts that answered well less than this many days ago are not checked
    again (the store remembers them); 0 checks every link on every run."""
    link_failure_cache_hours: float = option(6.0, flag="--link-failure-cache-hours", metavar="HOURS", minimum=0, unit="hours",
                                             reads="hours", help="hours a failed outside link is not checked "
                                                                 "again; 0 checks every failure again")
    """Links to other hosts whose check failed (an error status, a timeout, a name that does
    not resolve) less than this many hours ago are reported with that answer again instead of
    being checked again, so a re-run soon after an audit does not wait on every dead link a
    second time. Kept short: a daily or weekly run checks every failure again; 0 checks every
    failure on every run (use it to confirm a fix on another site at once). A run that checks
    links differently (another ``allow_private``, allowed hosts, timeout or checker) checks
    every failure again."""
    a11y: bool = True
    """Run axe-core (WCAG 2.2 AA) on a sample of rendered pages."""
    a11y_per_template: int = 1
    """Pages per structural template (layout: landmarks, main container, scripts) checked with
    axe, plus every page whose main content shows a likely problem (images without alt, inline
    colours, empty links or buttons, unlabelled inputs). Most axe violations belong to a layout,
    which one page shows; page-specific ones are what the hints catch. A site has a handful of
    layouts however many URL shapes it has. axe costs about three plain renders (CSS loaded,
    ~0.35 s of CPU a page on our 2-core machines) and runs beside the crawl, not in its way:
    raise this for a deeper audit at that price."""
    a11y_max_pages: int = 150
    """Pages checked with axe at most (hinted pages included): bounds axe's share of a large crawl."""
    host_failure_limit: int = 15
    """A host that fails this many requests in a row is stopped, with a finding."""
    resume: bool = option(False, flag="--resume",
                          help="continue the last crawl that did not finish (a killed or stopped one); "
                               "when the store holds none, say so and start a new crawl")
    """Continue the last crawl that did not finish; when the store holds none, a line says so and a new crawl starts."""
    browser: str = option("", flag="--browser",
                          help="path to a Chromium/Chrome executable (or set LO_AUDIT_CHROMIUM)")
    """Path to a Chromium or Chrome executable; empty: ``LO_AUDIT_CHROMIUM``, an
    installed Chromium/Chrome, or Playwright's own download, in that order."""

    def conflicts(self) -> list[tuple[tuple, str]]:
        """Settings that are fine alone but not together: ``(key path, message)`` pairs (a scope
        prefix on a host that is not crawled)."""
        hosts = {host_port(h if "://" in h else f"http://{h}") for h in (self.allow_hosts or self.start_urls)}
        if not hosts:  # no hosts yet: the start URLs come as flags
            return []
        return [(("scope", i), f"{url!r} is not on an allowed host ({', '.join(sorted(hosts)) or 'none'}); "
                               "add its host to crawl.allow_hosts or a start URL")
                for i, url in enumerate(self.scope) if is_http_url(url) and host_port(url) not in hosts]
