"""``lo-audit browser``: find or install a Chromium for Playwright."""

from crawler.browser import ensure_chromium, find_chromium


def run(args) -> int:
    path = ensure_chromium(args.browser) if args.install else find_chromium(args.browser)
    print(path)
    return 0
