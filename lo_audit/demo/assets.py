"""Static assets shared by the CMS and directory hosts: CSS, scripts and images."""

from __future__ import annotations

from lo_audit.demo.content import static_text
from lo_audit.demo.documents import png_bytes
from lo_audit.demo.response import Response, not_found

_TEXT = {
    "/assets/site.css": ("site.css", "text/css; charset=utf-8"),
    "/assets/cookies.js": ("cookies.js", "text/javascript; charset=utf-8"),
    "/assets/latest.js": ("latest.js", "text/javascript; charset=utf-8"),
}
_IMAGES = {
    "/assets/images/family-walk.png": (48, 32, (0, 112, 60)),
    "/assets/images/willow-house.png": (48, 32, (29, 79, 145)),
}


def asset(path: str) -> Response:
    """The asset at ``path`` or a 404."""
    if path in _TEXT:
        name, ctype = _TEXT[path]
        return Response(200, ctype, static_text(name).encode("utf-8"))
    if path in _IMAGES:
        w, h, rgb = _IMAGES[path]
        return Response(200, "image/png", png_bytes(w, h, rgb))
    return not_found()
