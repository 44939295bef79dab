"""Phrase matching in page text: whole words, plural endings, one table for many phrase sets."""

from checks.knowledge.phrases import PhraseTable, Subject, normalise_text, phrase_list, words_of
from checks.knowledge.topics import subjects as topic_subjects
from checks.knowledge.criteria import subjects as criterion_subjects


def test_text_is_normalised_into_words():
    assert normalise_text("Children’s short-breaks & respite") == "childrens short breaks and respite"
    assert words_of("EHC plan / EHCP") == ["ehc", "plan", "ehcp"]
    assert phrase_list(" short breaks; respite ;; ") == ("short breaks", "respite")


def test_phrases_match_whole_words_and_plurals_only():
    table = PhraseTable({"schools": ["special school"], "breaks": ["short breaks"], "care": ["care"]})
    hits = table.hits(words_of("Our special schools offer short breaks. Careers advice is elsewhere."))
    assert table.present(hits) == {"schools", "breaks"}  # "Careers" is not "care"
    assert table.distinct(hits)["schools"] == {"special school"}


def test_topics_and_criteria_are_subjects_with_heads_and_terms():
    topics = {s.id: s for s in topic_subjects({"travel": ["bus pass scheme"]})}
    assert isinstance(topics["travel"], Subject) and "bus pass scheme" in topics["travel"].heads
    assert "bus pass scheme" in topics["travel"].terms and "bus pass scheme" not in topic_subjects()[0].heads
    criteria = criterion_subjects()
    assert len(criteria) == 11 and all(c.heads and c.terms for c in criteria)
