"""Long result lists are crawled to the end; calendars and faceted searches stay bounded."""

from __future__ import annotations

from crawler.crawl import crawl
from crawler.guards import CALENDAR_LIMIT, Guards, is_pagination, pagination_parts
from crawler.store import StoreReader
from crawlsite import Request, Route, page

PAGES = 60
PER_PAGE = 5


def _listing(request: Request) -> Route:
    number = int(request.path.partition("page=")[2] or 1)
    items = "".join(f"<li><a href='/records/{(number - 1) * PER_PAGE + i}'>Record {(number - 1) * PER_PAGE + i}</a></li>"
                    for i in range(PER_PAGE))
    nav = f"<a href='/list?page={number + 1}'>Next page</a>" if number < PAGES else ""
    return Route(page(f"Results page {number}", f"<ul>{items}</ul>{nav}"))


def _month(request: Request) -> Route:
    year, month = map(int, request.path.rstrip("/").split("/")[-2:])
    nxt = (year + month // 12, month % 12 + 1)
    return Route(page(f"Events {year}-{month}", f"<a href='/events/{nxt[0]}/{nxt[1]:02d}/'>Next month</a>"))


def _search(request: Request) -> Route:
    return Route(page("Search", "".join(f"<a href='/search?q={q}&sort={s}&page={p}'>{q}{s}{p}</a>"
                                        for q in "abcde" for s in "xyz" for p in range(1, 4))))


def test_a_60_page_listing_is_crawled_to_the_end_and_traps_stay_bounded(make_site, crawl_cfg):
    routes = {"/": Route(page("Home", "<a href='/list'>Directory</a> <a href='/events/2026/01/'>Events</a> "
                                      "<a href='/search?q=a&sort=x&page=1'>Search</a>"))}
    routes.update({"/list": _listing, **{f"/list?page={n}": _listing for n in range(2, PAGES + 1)}})
    routes.update({f"/records/{i}": Route(page(f"Record {i}", "A service.")) for i in range(PAGES * PER_PAGE)})
    routes.update({f"/events/{y}/{m:02d}/": _month for y in range(2026, 2040) for m in range(1, 13)})
    routes.update({f"/search?q={q}&sort={s}&page={p}": _search for q in "abcde" for s in "xyz" for p in range(1, 4)})
    site = make_site(routes)
    result = crawl(crawl_cfg(site.url("/"), max_depth=10))
    reader = StoreReader(result.db)
    pages = {p.url.removeprefix(site.root): p for p in reader.pages()}
    records = [u for u, p in pages.items() if u.startswith("/records/") and not p.guard]
    assert len(records) == PAGES * PER_PAGE, "every record of all 60 listing pages is crawled"
    assert pages[f"/list?page={PAGES}"].depth == pages["/list"].depth == 1
    months = [u for u, p in pages.items() if u.startswith("/events/") and not p.guard]
    assert len(months) <= CALENDAR_LIMIT + 1, "a calendar's next-month chain stays bounded"
    searches = [u for u, p in pages.items() if u.startswith("/search") and not p.guard]
    assert len(searches) <= 40, "a faceted search stays bounded"


def test_pagination_shapes():
    assert is_pagination("http://h/list", "http://h/list?page=2")
    assert is_pagination("http://h/list?page=2&type=a", "http://h/list?type=a&page=3")
    assert is_pagination("http://h/news/", "http://h/news/page/2/")
    assert is_pagination("http://h/s?q=x&start=0", "http://h/s?q=x&start=20")
    assert not is_pagination("http://h/list?page=2", "http://h/list?page=2&sort=name"), "a facet, not a page"
    assert not is_pagination("http://h/list", "http://h/records/2")
    assert not is_pagination("http://h/events?month=2026-01", "http://h/events?month=2026-02")
    assert pagination_parts("http://h/l?page=3&t=x") == ("h/l?t=x", "3")


def test_an_endless_next_chain_is_bounded_by_depth_again():
    guards = Guards(max_pages=100_000, max_depth=5, max_per_pattern=100_000)
    depth, url, crawled = 0, "http://h/list", 0
    for n in range(2, 3000):
        nxt = f"http://h/list?page={n}"
        depth += guards.depth_step(url, nxt)
        if guards.check(nxt, depth):
            break
        url, crawled = nxt, crawled + 1
    assert 1000 <= crawled < 1010


def _offset_search(request: Request) -> Route:
    """kb5's search: ``/search?qt=all&sr=N&nh=10``, ten results a page, a "Next »" link."""
    query = request.path.partition("?")[2]
    offset = int(dict(p.split("=") for p in query.split("&")).get("sr", 0))
    items = "".join(f"<li><a href='/record/{offset + i}'>Record {offset + i}</a></li>" for i in range(10))
    nxt = f"<a href='/search?qt=all&amp;sr={offset + 10}&amp;nh=10'>Next &raquo;</a>" if offset < 790 else ""
    return Route(page(f"Search results {offset // 10 + 1}", f"<ul>{items}</ul><nav class='pagination'>{nxt}</nav>"))


def test_an_offset_search_with_a_next_link_is_crawled_to_the_end(make_site, crawl_cfg):
    routes = {"/": Route(page("Home", "<a href='/search?qt=all&sr=0&nh=10'>All services</a>"))}
    routes["/search"] = _offset_search  # every offset (the crawler may reorder the query)
    routes.update({f"/record/{i}": Route(page(f"Record {i}", "A service.")) for i in range(800)})
    site = make_site(routes)
    result = crawl(crawl_cfg(site.url("/"), max_depth=10, max_per_pattern=5000, max_pages=5000))
    pages = {p.url.removeprefix(site.root): p for p in StoreReader(result.db).pages()}
    records = [u for u, p in pages.items() if u.startswith("/record/") and not p.guard]
    assert not [u for u, p in pages.items() if p.guard == "max-depth"]
    assert len(records) == 800, "all 80 result pages are read"


def test_pagination_by_numeric_step_and_link_text():
    guards = Guards(max_pages=100_000, max_depth=5, max_per_pattern=100_000)
    assert guards.depth_step("http://h/search?qt=all&sr=0&nh=10", "http://h/search?qt=all&sr=10&nh=10") == 0
    assert guards.depth_step("http://h/search?qt=all&sr=10&nh=10", "http://h/search?qt=all&sr=30&nh=10") == 0
    assert guards.depth_step("http://h/search?qt=all&sr=30&nh=10", "http://h/search?qt=all&sr=45&nh=10") == 1, "not the list's step"
    assert guards.depth_step("http://h/search?qt=all&sr=30&nh=10", "http://h/search?qt=all&sr=20&nh=10") == 1
    assert guards.depth_step("http://h/svc?id=1", "http://h/svc?id=2") == 1, "a next record, not a page"
    assert guards.depth_step("http://h/ev?year=2026", "http://h/ev?year=2027", "Next »") == 1
    assert guards.depth_step("http://h/results?s=abc", "http://h/results?s=def", "Next »") == 0
    assert guards.depth_step("http://h/p1", "http://h/p2", "next") == 1, "a generated chain meets the depth guard"
    assert guards.depth_step("http://h/find?q=x", "http://h/find?q=x&o=3", "3") == 0
    assert guards.depth_step("http://h/articles/a", "http://h/articles/b", "Next") == 1, "next article, not a page"
    assert guards.depth_step("http://h/list", "http://h/list?q=y&s=2", "Read more") == 1
