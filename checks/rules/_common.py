"""Small helpers shared by the rule modules (not rules themselves)."""

from __future__ import annotations

from typing import Any


def clip(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_title(page: Any) -> str:
    """The page's h1, else its title."""
    h1 = next((t for level, t in page.headings if level == 1 and t.strip()), "")
    return (h1 or page.title or "").strip()
