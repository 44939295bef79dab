"""A page's own content: blocks repeated on most pages of a template (menus, sign-up boxes) are
left out, and the site's name is taken off the title."""

from checks.index.boilerplate import Block, Repetition, main_content, page_blocks
from crawler.model import Page


def _page(i: int, extra: str = "") -> Page:
    return Page(url=f"https://www.example.gov.uk/send/p{i}", status=200, template="/send/*",
                title=f"Topic {i} | Exampleshire Local Offer", headings=[(1, f"Topic {i}"), (2, "Stay in touch")],
                main_text=f"Topic {i}\nThis page explains topic number {i} in words of its own.{extra}\n"
                          "Stay in touch\nSign up to our newsletter for news.")


def test_blocks_of_a_page_without_stored_blocks_come_from_its_text_and_headings():
    blocks = page_blocks(_page(1))
    assert [b.kind for b in blocks] == ["h1", "p", "h2", "p"]
    assert isinstance(blocks[0], Block) and blocks[0].level == 1 and blocks[1].level == 0


def test_repeated_blocks_and_title_parts_are_left_out():
    pages = [_page(i) for i in range(5)]
    content = main_content(pages[0], Repetition(pages))
    assert content.title == "Topic 0" and content.removed == 2
    assert "newsletter" not in content.text and "topic number 0" in content.text
    alone = main_content(pages[0])  # without other pages, nothing is known to repeat
    assert "newsletter" in alone.text and alone.removed == 0
