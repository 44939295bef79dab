"""Rendering in Chromium: one browser, a pool of tabs, launched only when first needed.

Each render: the HTML already fetched over HTTP is served to the tab (no second
request), images/media/fonts/analytics are blocked (stylesheets too, except when axe
runs: colour contrast needs them), dialogs are accepted, ``window.print`` is
neutralised, the page waits for DOM content plus a short quiet period (no fetch/XHR in
flight and no DOM change for ``QUIET_S``, tracked inside the page and capped), a cookie
banner is dismissed and "load more" candidates looked for in one round trip, "load
more" buttons are followed when there are any, then the rendered DOM is returned (and
axe-core run on the same navigation when asked).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawler import browser as browser_mod
from crawler.pagejs import (CLICK_LOAD_MORE, COOKIE_SELECTORS, COUNT_LINKS, INIT_SCRIPT, SERIALIZE, SETTLE,
                     WAIT_QUIET, as_function)
from crawler.screen import is_private
from crawler.secrets import may_receive
from crawler.signals import LOAD_MORE
from crawler.urls import on_allowed_host

BLOCKED_TYPES = {"image", "media", "font"}
ANALYTICS = ("google-analytics.com", "googletagmanager.com", "doubleclick.net", "hotjar.com", "clarity.ms",
             "facebook.net", "connect.facebook", "siteimprove", "analytics.", "matomo", "newrelic", "nr-data.net",
             "quantserve", "scorecardresearch", "segment.io", "mixpanel", "fullstory", "crazyegg")
RECYCLE_AFTER = 25
"""Navigations before a tab is replaced: a renderer grows with each one (150-400 MB),
and 25 kept the whole tree about 75 MiB lower than 50 at the same speed (bench, 1,500 pages)."""
BROWSER_ARGS: tuple[str, ...] = ()
"""Not ``--renderer-process-limit``: it saved about 20% memory, but tabs sharing a renderer
all hang when one page runs an endless script (the hostile fixture has one)."""
QUIET_S, QUIET_CAP_S = 0.1, 1.0
LIGHT_BLOCKED = BLOCKED_TYPES | {"stylesheet"}
"""Blocked on renders that are not for axe."""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REDIRECTS = (301, 302, 303, 307, 308)
MAX_HOPS = 10
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


@dataclass(frozen=True)
class Rendered:
    """The outcome of one render."""

    html: str = ""
    final_url: str = ""
    error: str = ""
    cookie_banner: str = ""
    load_more_clicks: int = 0
    dialogs: int = 0
    axe: list | None = None
    elapsed_ms: int = 0
    offsite: tuple[str, ...] = ()
    """Navigations of the page to hosts outside the allowed ones, blocked (first target of each)."""


@dataclass
class Tab:
    page: object
    inflight: int = 0
    navigations: int = 0
    full: bool = True
    dialogs: int = 0
    served: dict = field(default_factory=dict)
    offsite: list = field(default_factory=list)
    landed: dict = field(default_factory=dict)
    """Main-frame URL -> the URL its content really came from (redirects followed here)."""


@dataclass
class RenderSettings:
    """What the pool needs from the crawl config."""

    tabs: int
    allowed: frozenset[str]
    extra_headers: dict
    user_agent: str
    timeout: float
    cookie_selectors: tuple[str, ...] = ()
    load_more_selectors: tuple[str, ...] = ()
    max_load_more: int = 20
    executable: str | None = None
    disallowed: Callable[[str], bool] | None = None
    """True for URLs the page may not load (robots.txt of an allowed host); set by the engine."""
    plain_hosts: frozenset[str] | None = None
    """Allowed hosts credentials may reach over plain http (``secrets.may_receive``)."""


class BrowserPool:
    """A lazily launched Chromium and up to ``tabs`` pages working at once."""

    def __init__(self, settings: RenderSettings) -> None:
        self.settings = settings
        self.free: asyncio.Queue[Tab] = asyncio.Queue()
        self.created = 0
        self.lock = asyncio.Lock()
        self.playwright = self.browser = self.context = None
        self.axe = None
        self.renders = 0
        self.warming: asyncio.Future | None = None
        self.tabs: dict[object, Tab] = {}
        self.private: dict[str, bool] = {}

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright

        browser_mod.find_chromium(self.settings.executable)  # BrowserNotFound with a clear message
        self.playwright = await async_playwright().start()
        self.browser = await browser_mod.launch(self.playwright, self.settings.executable, BROWSER_ARGS)
        self.context = await self.browser.new_context(user_agent=self.settings.user_agent, service_workers="block",
                                                      java_script_enabled=True)
        await self.context.add_init_script(INIT_SCRIPT)
        await self.context.route("**/*", self._route)  # the context's: popups are routed too
        if hasattr(self.context, "route_web_socket"):  # Playwright 1.48+
            await self.context.route_web_socket(lambda url: True, self._route_socket)

    def warm_up(self) -> None:
        """Start launching the browser and opening its tabs in the background."""
        async def opener() -> None:
            async with self.lock:
                if self.context is None:
                    await self._launch()
                while self.created < self.settings.tabs:
                    self.created += 1
                    self.free.put_nowait(await self._new_tab())

        self.warming = asyncio.ensure_future(opener())
        self.warming.add_done_callback(lambda f: f.cancelled() or f.exception())

    async def _tab(self) -> Tab:
        async with self.lock:
            if self.context is None:
                await self._launch()
            if self.free.empty() and self.created < self.settings.tabs:
                self.created += 1
                return await self._new_tab()
        return await self.free.get()

    async def _new_tab(self) -> Tab:
        page = await self.context.new_page()
        tab = Tab(page=page)
        page.on("request", lambda r: setattr(tab, "inflight", tab.inflight + 1))
        page.on("requestfinished", lambda r: setattr(tab, "inflight", max(0, tab.inflight - 1)))
        page.on("requestfailed", lambda r: setattr(tab, "inflight", max(0, tab.inflight - 1)))
        page.on("dialog", lambda d: self._dialog(tab, d))
        page.on("popup", lambda popup: asyncio.ensure_future(_close(popup)))
        self.tabs[page] = tab
        return tab

    def _dialog(self, tab: Tab, dialog) -> None:
        tab.dialogs += 1
        asyncio.ensure_future(_accept(dialog))

    async def _route(self, route) -> None:
        """Every request of every tab: blocked, served from memory, or fetched hop by hop here.

        Every other http(s) request is fetched here one hop at a time: Playwright does not
        route the redirect hops Chromium follows itself, so a script on an allowed host that
        redirects to a private address, or a hop that would carry the configured
        credentials off the allowed hosts, is only stopped when each hop is screened here.
        A main-frame navigation to another host is blocked and remembered
        (``Rendered.offsite``); a request to a private, loopback or link-local address
        outside the allowed hosts is blocked."""
        request = route.request
        url = request.url
        try:
            tab = self.tabs.get(request.frame.page)
            navigation = request.is_navigation_request()
            main = navigation and request.frame.parent_frame is None
            if tab is None or request.resource_type in (BLOCKED_TYPES if tab.full else LIGHT_BLOCKED) or \
                    any(a in url for a in ANALYTICS) or self._disallowed(url):
                await route.abort("blockedbyclient")
            elif navigation and url in tab.served:
                status, ctype, body = tab.served.pop(url)
                await route.fulfill(status=status, content_type=ctype or "text/html", body=body)
            elif urlsplit(url).scheme not in ("http", "https"):
                await route.continue_()
            elif main and not self._allowed(url):
                await _stay(tab, route, url)
            elif not self._allowed(url) and await self._is_private(url):
                await route.abort("blockedbyclient")
            else:
                await self._hops(tab, route, main)
        except Exception:  # noqa: BLE001 - the tab closed or the request was cancelled
            try:
                await route.abort()
            except Exception:  # noqa: BLE001 - already handled or gone
                pass

    async def _route_socket(self, socket) -> None:
        """A page's WebSocket: connected only to an allowed host (``ws://`` read as ``http://``).
        Defence in depth: Chromium 156 opens no WebSocket from a document served through
        interception (all of ours), but nothing promises it never will."""
        url = socket.url
        try:
            if self._allowed("http" + url[2:] if url[:2].lower() == "ws" else url):
                socket.connect_to_server()
            else:
                await socket.close()
        except Exception:  # noqa: BLE001 - the page went away
            pass

    async def _hops(self, tab: Tab, route, main: bool) -> None:
        """Fetch ``route``'s request here, following redirects one hop at a time: configured
        headers only on hops to allowed hosts; a hop leaving them is blocked when the page
        itself is navigating (``main``) or when it points at a private address."""
        request = route.request
        url, method, plain = request.url, request.method, dict(request.headers)
        body = request.post_data_buffer
        for _ in range(MAX_HOPS):
            extra = self.settings.extra_headers if may_receive(url, self.settings.allowed,
                                                               self.settings.plain_hosts) else {}
            response = await route.fetch(url=url, method=method, headers={**plain, **extra}, max_redirects=0,
                                         timeout=self.settings.timeout * 1000,
                                         **({"post_data": body} if body is not None else {}))
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                break
            target = urljoin(url, location)
            if not self._allowed(target):
                if main:
                    await _stay(tab, route, target)
                    return
                if urlsplit(target).scheme not in ("http", "https") or await self._is_private(target):
                    await route.abort("blockedbyclient")
                    return
            if response.status in (301, 302, 303) and method != "GET":
                method, body = "GET", None  # the body is dropped with the method, as browsers do
            url = target
        else:
            await route.abort("failed")
            return
        if main:
            tab.landed[request.url] = url
        await route.fulfill(response=response)

    def _disallowed(self, url: str) -> bool:
        check = self.settings.disallowed
        return check is not None and urlsplit(url).scheme in ("http", "https") and check(url)

    def _allowed(self, url: str) -> bool:
        return on_allowed_host(url, self.settings.allowed)

    async def _is_private(self, url: str) -> bool:
        """True when ``url``'s host is, or resolves to, a private, loopback or link-local
        address (or does not resolve: Chromium could not load it either)."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if host not in self.private:
            self.private[host] = await _private_host(host)
        return self.private[host]

    async def _release(self, tab: Tab) -> None:
        if tab.navigations >= RECYCLE_AFTER:
            self.tabs.pop(tab.page, None)
            try:
                await tab.page.close()
            except Exception:  # noqa: BLE001
                pass
            tab = await self._new_tab()
        self.free.put_nowait(tab)

    async def render(self, url: str, served: tuple[int, str, bytes] | None = None, axe: bool = False,
                     full: bool | None = None) -> Rendered:
        """Render ``url`` (serving ``(status, content type, body)`` as its document when given);
        ``full`` loads stylesheets too (default: only when ``axe`` runs)."""
        tab = await self._tab()
        started = time.monotonic()
        try:
            if served is not None:
                tab.served[url] = served
            tab.full = axe if full is None else full
            tab.navigations += 1
            tab.dialogs = 0
            tab.offsite, tab.landed = [], {}
            result = await asyncio.wait_for(self._render(tab, url, axe), timeout=self.settings.timeout * 2)
        except Exception as exc:  # noqa: BLE001 - a page must never stop the crawl
            result = Rendered(error=_render_error(exc))
            tab.navigations = RECYCLE_AFTER  # a broken tab is replaced
        finally:
            tab.served.pop(url, None)
            await self._release(tab)
        self.renders += 1
        offsite = tuple(dict.fromkeys(tab.offsite))
        return Rendered(**{**result.__dict__, "elapsed_ms": int((time.monotonic() - started) * 1000),
                           "offsite": offsite})

    async def _render(self, tab: Tab, url: str, axe: bool) -> Rendered:
        page = tab.page
        await page.goto(url, wait_until="commit", timeout=self.settings.timeout * 1000)
        await _dom_ready(tab)
        await settle(tab)
        args = [[*COOKIE_SELECTORS, *self.settings.cookie_selectors], list(self.settings.load_more_selectors),
                LOAD_MORE.pattern]
        state = await page.evaluate(as_function(SETTLE), args)
        banner, clicks, html = state.get("banner"), 0, state.get("html")
        if banner:
            await settle(tab)
        if state.get("more") or banner:
            clicks = await self._load_more(tab)
            html = await page.evaluate(SERIALIZE)
        violations = await self._axe(page) if axe else None
        final = tab.landed.get(page.url, page.url)
        if not self._allowed(final):  # a backstop: foreign content is never kept
            tab.offsite.append(final)
            return Rendered(error="offsite-navigation")
        return Rendered(html=html or "", final_url=final, cookie_banner=banner or "", load_more_clicks=clicks,
                        dialogs=tab.dialogs, axe=violations)

    async def _load_more(self, tab: Tab) -> int:
        clicks, unchanged = 0, 0
        script, args = as_function(CLICK_LOAD_MORE), [list(self.settings.load_more_selectors), LOAD_MORE.pattern]
        while clicks < self.settings.max_load_more and unchanged < 2:
            before = await tab.page.evaluate(COUNT_LINKS)
            if not await tab.page.evaluate(script, args):
                break
            clicks += 1
            await settle(tab)
            unchanged = unchanged + 1 if await tab.page.evaluate(COUNT_LINKS) == before else 0
        return clicks

    async def _axe(self, page) -> list:
        if self.axe is None:
            from axe_playwright_python.async_playwright import Axe

            self.axe = Axe()
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        results = await self.axe.run(page, options=options)
        return list(results.response.get("violations", []))

    async def close(self) -> None:
        """Close the browser and Playwright (safe when never launched)."""
        if self.warming is not None and not self.warming.done():
            self.warming.cancel()
        for closer in (self.context, self.browser):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:  # noqa: BLE001
                    pass
        if self.playwright is not None:
            await self.playwright.stop()


async def _stay(tab: Tab, route, target: str) -> None:
    """Refuse a main-frame navigation to ``target`` and keep the page where it is (an
    ``aborted`` navigation leaves the current document; other errors show an error page)."""
    tab.offsite.append(target)
    await route.abort("aborted")


async def _close(popup) -> None:
    """Close a window a page opened (its requests are blocked anyway)."""
    try:
        await popup.close()
    except Exception:  # noqa: BLE001 - already closed
        pass


async def _private_host(host: str) -> bool:
    if not host or host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return is_private(host)
    except ValueError:
        pass
    try:
        infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, None), timeout=5)
    except (OSError, asyncio.TimeoutError, UnicodeError):
        return True
    return any(is_private(info[4][0]) for info in infos)


async def _accept(dialog) -> None:
    """Answer a dialog (alert, confirm, prompt, beforeunload); the page may already be gone."""
    try:
        await dialog.accept()
    except Exception:  # noqa: BLE001 - a closed tab or an endless dialog loop must not be logged as a crash
        pass


DOM_READY = ("() => document.readyState !== 'loading' || new Promise(r => "
             "document.addEventListener('DOMContentLoaded', () => r(true), {once: true}))")


async def _dom_ready(tab: Tab) -> None:
    """Wait for the committed document's DOMContentLoaded. Not ``goto(wait_until=
    'domcontentloaded')``: when the page starts a navigation that is then refused, Playwright
    keeps waiting for that navigation until the timeout."""
    try:
        await tab.page.evaluate(DOM_READY)
    except Exception as exc:  # noqa: BLE001 - the page navigated (a script redirect): wait for the new one
        if "Timeout" in type(exc).__name__:
            raise
        await tab.page.wait_for_load_state("domcontentloaded", timeout=QUIET_CAP_S * 1000)


async def settle(tab: Tab, idle: float = QUIET_S, cap: float = QUIET_CAP_S) -> None:
    """Wait for a quiet page: fetch/XHR and DOM changes watched inside the page (one round
    trip), then any other request still in flight (scripts, frames) watched from here."""
    started = time.monotonic()
    try:
        await tab.page.evaluate(WAIT_QUIET, [idle * 1000, cap * 1000])
    except Exception as exc:  # noqa: BLE001 - the page navigated (a script redirect): wait for the new one
        if "Timeout" in type(exc).__name__:
            raise
        await tab.page.wait_for_load_state("domcontentloaded", timeout=cap * 1000)
    left = cap - (time.monotonic() - started)
    if tab.inflight and left > 0:
        await quiet(tab, idle, left)


async def quiet(tab: Tab, idle: float = QUIET_S, cap: float = QUIET_CAP_S) -> None:
    """Wait until no request has been in flight for ``idle`` seconds, at most ``cap``."""
    deadline, calm_since = time.monotonic() + cap, None
    while time.monotonic() < deadline:
        if tab.inflight == 0:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= idle:
                return
        else:
            calm_since = None
        await asyncio.sleep(0.03)


def _render_error(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError) or "Timeout" in type(exc).__name__:
        return "render-timeout"
    return "render-error"
