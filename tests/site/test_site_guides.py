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
    assert report.reviewed in ("Last reviewed: 22 November 2026", "Last reviewed: 28 November 2026")


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


PARENT_TOPICS = ("sen-support-and-the-senco", "annual-reviews-and-late-plans", "short-breaks",
                 "home-to-school-transport", "personal-budgets", "choosing-a-school-or-college",
                 "exclusions-and-alternative-provision", "rights-from-16", "health-services-and-waiting-lists")


def test_guides_on_what_parents_look_for_link_to_the_councils_own_page():
    from lo_audit.site.local import GUIDE_TOPICS

    families = {p.stem.split("-", 1)[1]: p for p in FILES if p.parent.name == "families"}
    assert set(PARENT_TOPICS) <= set(families) and set(GUIDE_TOPICS) == set(PARENT_TOPICS)
    for topic in PARENT_TOPICS:
        assert f'--8<-- "audit/local/{topic}.md"' in families[topic].read_text(encoding="utf-8"), topic


def test_family_guides_are_in_the_order_a_parent_meets_them():
    """The menu follows the file names: numbered, first worries first, inspections last."""
    names = sorted(p.name for p in FILES if p.parent.name == "families")
    assert all(n[:2].isdigit() and n[2] == "-" for n in names)
    order = [n.split("-", 1)[1] for n in names]
    assert order.index("what-is-the-local-offer.md") == 0
    assert order.index("sen-support-and-the-senco.md") < order.index("ask-for-an-ehc-needs-assessment.md")
    assert order.index("ask-for-an-ehc-needs-assessment.md") < order.index("annual-reviews-and-late-plans.md")
    assert max(order.index(n) for n in ("what-is-an-area-send-inspection.md", "inspection-outcomes.md")) == len(order) - 1
    index = (GUIDES / "families" / "index.md").read_text(encoding="utf-8")
    assert [n for n in names if n in index] == names and sorted(names, key=index.index) == names
