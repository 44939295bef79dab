"""Finding a Chromium, and driving it for real against a local server."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import async_playwright

from crawler.browser import find_chromium, launch
from crawler.errors import BrowserNotFound


def test_explicit_path_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(BrowserNotFound, match="not an executable file"):
        find_chromium(str(tmp_path / "no-chromium"))


def test_environment_variable_is_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("LO_AUDIT_CHROMIUM", str(tmp_path / "nope"))
    with pytest.raises(BrowserNotFound, match="LO_AUDIT_CHROMIUM"):
        find_chromium()


@pytest.mark.browser
def test_a_real_chromium_renders_a_local_page(static_server):
    base = static_server({"/": (200, "text/html", b"<html lang=en><title>T</title><div id=x></div>"
                                                  b"<script>document.getElementById('x').textContent='from JS'</script>")})

    async def render() -> str:
        async with async_playwright() as pw:
            browser = await launch(pw)
            page = await browser.new_page()
            await page.goto(base + "/")
            text = await page.text_content("#x")
            await browser.close()
            return text or ""

    assert asyncio.run(render()) == "from JS"
