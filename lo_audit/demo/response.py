"""A tiny response value shared by the three demo hosts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Response:
    """Status, content type, body and extra headers of one answer."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def html_response(html: str, status: int = 200) -> Response:
    """An HTML page."""
    return Response(status, "text/html; charset=utf-8", html.encode("utf-8"))


def text_response(text: str, content_type: str = "text/plain; charset=utf-8", status: int = 200) -> Response:
    """Plain text, XML or JSON."""
    return Response(status, content_type, text.encode("utf-8"))


def redirect(status: int, location: str) -> Response:
    """A redirect to ``location``."""
    return Response(status, "text/html; charset=utf-8", b"", {"Location": location})


def not_found() -> Response:
    """A bare 404."""
    return Response(404, "text/plain; charset=utf-8", b"Not found")
