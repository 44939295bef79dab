"""Finding phrases in page text: the matching under the topic and criteria classifiers.

Text is normalised (:func:`normalise_text`) into words; a phrase matches whole words, and
its last word may carry a plural ``s`` or ``es`` ("special school" matches "special
schools"). Scanning a text for one phrase set goes left to right and takes the longest
phrase starting at each word; the words it covers are not scanned again for that set
(so "special school" in a text does not also count as "school" for the same set).

Each text is split into words once and looked up word by word in a table of the phrases
(:class:`PhraseTable`), instead of running one regular expression per phrase set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    """The words of ``text`` as :func:`normalise_text` spells them."""
    text = (text or "").lower().replace("’", "").replace("'", "").replace("&", " and ")
    return _WORD.findall(text)


def phrase_list(text: str) -> tuple[str, ...]:
    """The phrases of a ``;``-separated list, trimmed, empty ones left out."""
    return tuple(p.strip() for p in text.split(";") if p.strip())


@dataclass(frozen=True)
class Subject:
    """A topic or criterion as the evidence rules read it (``checks.index.evidence``): *head*
    phrases that name it in a title or heading, and *terms* a text about it uses."""

    id: str
    title: str
    heads: tuple[str, ...]
    terms: tuple[str, ...]


def normalise_text(text: str) -> str:
    """Lower case; apostrophes dropped; hyphens, slashes and ``&`` spelled as words; one space."""
    return " ".join(words_of(text))


class Hit(NamedTuple):
    """A phrase found at word ``start``, covering ``length`` words."""

    start: int
    length: int
    phrase: str


class PhraseTable:
    """Named phrase sets, looked up word by word."""

    def __init__(self, sets: Mapping[str, Iterable[str]]) -> None:
        self.keys: list[str] = []
        self.phrases: dict[str, list[str]] = {}  # normalised phrase -> keys having it
        self.endings: dict[str, list[str]] = {}  # phrase as written in a text (maybe plural) -> phrases, longest first
        self.prefixes: set[str] = set()  # leading words of longer phrases
        for key, phrases in sets.items():
            normalised = {normalise_text(p) for p in phrases} - {""}
            if normalised:
                self.keys.append(key)
            for phrase in normalised:
                self.phrases.setdefault(phrase, []).append(key)
                words = phrase.split(" ")
                self.prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
        for phrase in sorted(self.phrases, key=len, reverse=True):
            for written in (phrase, phrase + "s", phrase + "es"):
                self.endings.setdefault(written, []).append(phrase)
        self.starts = frozenset(self.prefixes | {gram for gram in self.endings if " " not in gram})

    def hits(self, words: list[str]) -> list[Hit]:
        """Every phrase found at every word (overlapping ones too), by start then length."""
        out: list[Hit] = []
        starts, endings, prefixes, n = self.starts, self.endings, self.prefixes, len(words)
        for i, word in enumerate(words):
            if word not in starts:
                continue
            gram, k = word, 1
            while True:
                for phrase in endings.get(gram, ()):
                    out.append(Hit(i, k, phrase))
                if i + k >= n or gram not in prefixes:
                    break
                gram, k = f"{gram} {words[i + k]}", k + 1
        return out

    def present(self, hits: list[Hit]) -> set[str]:
        """Keys with at least one phrase among ``hits``."""
        return {key for hit in hits for key in self.phrases[hit.phrase]}

    def distinct(self, hits: list[Hit]) -> dict[str, set[str]]:
        """Key -> distinct phrases a left-to-right scan of the text finds for that key.

        At each word the longest phrase of the key starting there is taken, and the scan for
        that key resumes after it (matches of one key never overlap).
        """
        found: dict[str, set[str]] = {}
        resume: dict[str, int] = {}
        best: dict[str, Hit] = {}
        for pos, hit in enumerate(hits):
            for key in self.phrases[hit.phrase]:
                if key not in best or len(hit.phrase) > len(best[key].phrase):
                    best[key] = hit
            if pos + 1 < len(hits) and hits[pos + 1].start == hit.start:
                continue
            for key, chosen in best.items():
                if resume.get(key, 0) <= chosen.start:
                    found.setdefault(key, set()).add(chosen.phrase)
                    resume[key] = chosen.start + chosen.length
            best = {}
        return found
