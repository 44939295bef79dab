"""The guide linter: every one-minute guide is short, plain, dated and explains its acronyms.

Used by ``test_guides.py``; run it directly (``python -m tests.site.guidelint``) to see
each guide's numbers while writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from checks.knowledge.text import ensure_cmudict

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "guides"
REVIEWED = re.compile(r"^Last reviewed: \d{1,2} [A-Z][a-z]+ \d{4}$")
REQUIRED_HEADINGS = ("What", "Who", "Why", "How")
MAX_WORDS, MAX_SENTENCE, MIN_FLESCH = 250, 25, 60
ACRONYM = re.compile(r"\b[A-Z][A-Z]+(?=s?\b)")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass
class Report:
    path: Path
    title: str = ""
    headings: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # heading, paragraph and list-item texts, in order
    reviewed: str = ""
    problems: list[str] = field(default_factory=list)
    words: int = 0
    flesch: float = 0.0
    longest: int = 0


def guide_files() -> list[Path]:
    return sorted(p for p in GUIDES.rglob("*.md") if p.name != "index.md")


def _blocks(text: str) -> tuple[str, list[str], list[str]]:
    """(title, h2 headings, texts of every heading/paragraph/cell) from the Markdown."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    title, headings, texts = "", [], []
    for i, tok in enumerate(tokens):
        if tok.type != "inline":
            continue
        opener = tokens[i - 1]
        plain = "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline")) or tok.content
        plain = re.sub(r"\s+", " ", plain).strip()
        if opener.type == "heading_open" and opener.tag == "h1":
            title = plain
            continue
        if opener.type == "heading_open" and opener.tag == "h2":
            headings.append(plain)
        texts.append(plain)
    return title, headings, texts


def sentences(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        out += [s for s in re.split(r"(?<=[.!?])\s+", text) if WORD.search(s)]
    return out


def _initials(words: list[str]) -> str:
    """First letters; an acronym already explained counts with all its letters (SEND → s,e,n,d)."""
    return "".join(w.lower() if len(w) > 1 and w.isupper() else w[0].lower() for w in words if w[0].isalpha())


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def acronym_problems(texts: list[str]) -> list[str]:
    """Each acronym's first use must be expanded: ``words (ACR)`` or ``ACR (words)``."""
    seen, problems = set(), []
    joined = "\n".join(texts)
    for match in ACRONYM.finditer(joined):
        acr = match.group(0)
        if acr in seen:
            continue
        seen.add(acr)
        before, after = joined[: match.start()], joined[match.end():]
        if before.endswith("(") and after.startswith(")") or after[:1] == "s" and after[1:2] == ")":
            words = WORD.findall(before[-200:])[-14:]
            if _is_subsequence(acr.lower(), _initials(words)):
                continue
        elif re.match(r"s? \(([^)]+)\)", after):
            inner = re.match(r"s? \(([^)]+)\)", after).group(1)
            if _is_subsequence(acr.lower(), _initials(WORD.findall(inner))):
                continue
        problems.append(f"acronym {acr} is not expanded at its first use")
    return problems


def lint(path: Path) -> Report:
    import textstat

    ensure_cmudict()
    report = Report(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    reviewed = [line.strip() for line in lines if line.strip().startswith("Last reviewed:")]
    body_text = "\n".join(line for line in lines if not line.strip().startswith("Last reviewed:"))
    report.title, report.headings, report.body = _blocks(body_text)
    if not reviewed or not REVIEWED.match(reviewed[-1]):
        report.problems.append("no 'Last reviewed: D Month YYYY' line")
    report.reviewed = reviewed[-1] if reviewed else ""
    if not report.title:
        report.problems.append("no title (# heading)")
    for heading in REQUIRED_HEADINGS:
        if heading not in report.headings:
            report.problems.append(f"no '## {heading}' heading")
    report.words = sum(len(WORD.findall(t)) for t in report.body)
    if report.words > MAX_WORDS:
        report.problems.append(f"{report.words} words of body text (at most {MAX_WORDS})")
    prose = " ".join(s if s.endswith((".", "!", "?", ":")) else s + "." for s in report.body)
    report.flesch = textstat.flesch_reading_ease(prose)
    if report.flesch < MIN_FLESCH:
        report.problems.append(f"Flesch reading ease {report.flesch:.0f} (at least {MIN_FLESCH})")
    for sentence in sentences(report.body):
        n = len(WORD.findall(sentence))
        report.longest = max(report.longest, n)
        if n > MAX_SENTENCE:
            report.problems.append(f"sentence of {n} words: {sentence[:80]}…")
    report.problems += acronym_problems([report.title, *report.body][1:])
    return report


if __name__ == "__main__":
    for p in guide_files():
        r = lint(p)
        print(f"{p.relative_to(GUIDES)}: {r.words} words, Flesch {r.flesch:.0f}, longest {r.longest}")
        for problem in r.problems:
            print("   -", problem)
