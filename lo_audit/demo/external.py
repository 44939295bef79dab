"""The "external" host: stands in for charities, NHS and GOV.UK sites.

Every path answers 200 with a short page, except the planted 404s and one 500.
"""

from __future__ import annotations

from html import escape

from lo_audit.demo.response import Response, html_response, text_response

BROKEN: dict[str, int] = {
    "/nhs/retired-leaflet": 404,
    "/charity/old-autism-group-page": 404,
    "/gov/send-tribunal-guide": 500,
}
"""Planted broken external pages: path -> status."""


def _page(title: str, text: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{escape(title)}</title></head>\n'
            f'<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body>\n</html>\n')


def handle(path: str, query: str, bases: dict[str, str]) -> Response:
    """Answer one GET on the external host."""
    if path == "/robots.txt":
        return text_response("User-agent: *\nAllow: /\n")
    if path == "/sitemap.xml":
        return text_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                             f'sitemap/0.9">\n<url><loc>{bases["ext"]}/</loc></url>\n</urlset>\n', "application/xml")
    status = BROKEN.get(path.rstrip("/") or "/")
    if status == 404:
        return html_response(_page("Page not found", "This page does not exist."), 404)
    if status == 500:
        return html_response(_page("Server error", "Something went wrong."), 500)
    name = path.strip("/").split("/")[-1].replace("-", " ").capitalize() or "Home"
    return html_response(_page(name, "A stand-in for an external website in the Exampleshire demo."))
