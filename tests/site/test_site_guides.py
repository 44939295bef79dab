"""The one-minute guides: short, plain, dated, What/Who/Why/How, acronyms explained."""

import pytest

from guidelint import GUIDES, guide_files, lint

FILES = guide_files()


def test_enough_guides_for_each_audience():
    assert len(FILES) >= 12
    assert len([p for p in FILES if p.parent.name == "families"]) >= 8
    assert len([p for p in FILES if p.parent.name == "providers"]) >= 4
    for folder in (GUIDES, GUIDES / "families", GUIDES / "providers"):
        assert (folder / "index.md").is_file(), f"{folder} has no index page"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(GUIDES)) for p in FILES])
def test_guide_passes_the_linter(path):
    report = lint(path)
    assert not report.problems, f"{path.name}: " + "; ".join(report.problems)
    assert report.reviewed == "Last reviewed: 22 November 2026"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(GUIDES)) for p in FILES])
def test_guide_is_listed_on_its_audience_index(path):
    assert path.name in (path.parent / "index.md").read_text(encoding="utf-8")


def test_linter_catches_problems(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# Title\n\n## What\n\nThe EHCP is " + "very " * 30 + "long.\n\n## Who\n\nNotwithstanding "
                   "multidimensional administrative considerations, institutional responsibilities necessitate "
                   "comprehensive documentation.\n", encoding="utf-8")
    problems = " ".join(lint(bad).problems)
    for expected in ("Last reviewed", "'## Why'", "'## How'", "acronym EHCP", "sentence of", "Flesch"):
        assert expected in problems
