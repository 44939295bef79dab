"""Precision and recall of the topic and criterion evidence on the labelled set (``labelled.py``).

A page is predicted for a subject when the checks find *strong* evidence for it on that page
(``checks.index.evidence``); weak evidence is not coverage. The table is printed (it shows in the test
log); the thresholds are the ones promised to leaders: precision 95% and recall 90%, over all
topics and over all criteria, and no single topic or criterion far behind.

The phrase lists were tuned on the first 156 pages, so those figures flatter the checks.
``corpus/heldout.txt`` was written after the lists were frozen and is printed on its own line
("held out"): its labels were never changed to fit the checks (two bugs it exposed were fixed
in the phrase lists afterwards: "social care" inside "Local Government and Social Care
Ombudsman", and sports clubs counted as educational sport).
"""

from __future__ import annotations

from collections import Counter

import pytest

from checks.knowledge import criteria

from checks.knowledge import topics
from checks.index.evidence import evaluate, read_site
from labelled import crawl_of, entries

TOPIC_IDS = [t.id for t in topics.TOPICS]
CRITERION_IDS = [c.id for c in criteria.CRITERIA]


@pytest.fixture(scope="module")
def predictions():
    items = entries()
    site = crawl_of(items)
    reading = read_site(site)
    predicted: dict[str, set[str]] = {e.url: set() for e in items}
    for subjects in (topics.subjects(), criteria.subjects()):
        result = evaluate(site, reading, subjects)
        for sid, found in result.items.items():
            for item in found:
                if item.strength == "strong":
                    predicted[item.url].add(sid)
    return items, predicted


def scores(items, predicted, ids):
    tp, fp, fn = Counter(), Counter(), Counter()
    for e in items:
        got = predicted[e.url] & set(ids)
        want = e.labels & set(ids)
        for sid in got & want:
            tp[sid] += 1
        for sid in got - want:
            fp[sid] += 1
        for sid in want - got:
            fn[sid] += 1
    rows = {}
    for sid in ids:
        p = tp[sid] / (tp[sid] + fp[sid]) if tp[sid] + fp[sid] else 1.0
        r = tp[sid] / (tp[sid] + fn[sid]) if tp[sid] + fn[sid] else 1.0
        rows[sid] = (tp[sid], fp[sid], fn[sid], p, r)
    total = (sum(tp.values()), sum(fp.values()), sum(fn.values()))
    micro_p = total[0] / (total[0] + total[1]) if total[0] + total[1] else 1.0
    micro_r = total[0] / (total[0] + total[2]) if total[0] + total[2] else 1.0
    return rows, (*total, micro_p, micro_r)


def held_out_line(items, predicted, ids) -> str:
    held = [e for e in items if e.source == "heldout.txt"]
    _, total = scores(held, predicted, ids)
    return (f"{'held out (micro)':26} {total[0]:3} {total[1]:3} {total[2]:3} {total[3]:9.2f} {total[4]:6.2f}"
            f"   ({len(held)} pages)")


def table(name, rows, total) -> str:
    lines = [f"{name:26} {'tp':>3} {'fp':>3} {'fn':>3} {'precision':>9} {'recall':>6}"]
    for sid, (tp, fp, fn, p, r) in rows.items():
        lines.append(f"{sid:26} {tp:3} {fp:3} {fn:3} {p:9.2f} {r:6.2f}")
    lines.append(f"{'all (micro)':26} {total[0]:3} {total[1]:3} {total[2]:3} {total[3]:9.2f} {total[4]:6.2f}")
    return "\n".join(lines)


def test_the_labelled_set_is_big_enough_and_covers_every_subject():
    items = entries()
    assert len(items) >= 150
    assert len({e.url for e in items}) == len(items)
    labelled = Counter(label for e in items for label in e.labels)
    assert set(labelled) <= set(TOPIC_IDS) | set(CRITERION_IDS), set(labelled) - set(TOPIC_IDS) - set(CRITERION_IDS)
    thin = {sid: labelled[sid] for sid in TOPIC_IDS + CRITERION_IDS if labelled[sid] < 3}
    assert not thin, f"subjects with fewer than 3 positive pages: {thin}"
    negatives = [e for e in items if not e.labels]
    assert len(negatives) >= 45


def _precision_and_recall(predictions, capsys, ids, heading: str, label: str) -> None:
    """Print the table of ``ids`` and require precision >= 0.95 and recall >= 0.90 over all,
    and at least 0.75 / 0.66 for each subject."""
    items, predicted = predictions
    rows, total = scores(items, predicted, ids)
    with capsys.disabled():
        print(f"\n{heading} on the labelled set (strong evidence per page)\n" + table(label, rows, total)
              + "\n" + held_out_line(items, predicted, ids))
    assert total[3] >= 0.95 and total[4] >= 0.90, total
    behind = {sid: row for sid, row in rows.items() if row[3] < 0.75 or row[4] < 0.66}
    assert not behind, behind


def test_topic_precision_and_recall(predictions, capsys):
    _precision_and_recall(predictions, capsys, TOPIC_IDS, "Statutory topics", "topic")


def test_criterion_precision_and_recall(predictions, capsys):
    _precision_and_recall(predictions, capsys, CRITERION_IDS, "Inspection criteria", "criterion")


def test_hard_negatives_are_never_strong_evidence(predictions, capsys):
    """The curated hard negatives (menus, parking appeals, council jobs, road strategies, cookie pages,
    component docs...) are never strong evidence; held-out disagreements are printed, not hidden."""
    items, predicted = predictions
    wrong = {e.url: sorted(predicted[e.url]) for e in items
             if not e.labels and predicted[e.url] and e.source != "heldout.txt"}
    assert not wrong
    held = [f"  {e.url}: found {sorted(predicted[e.url]) or '-'}, labelled {sorted(e.labels) or '-'}"
            for e in items if e.source == "heldout.txt" and predicted[e.url] & (set(TOPIC_IDS) | set(CRITERION_IDS))
            != e.labels]
    with capsys.disabled():
        print("\nHeld-out pages where the checks and the labels disagree:\n" + ("\n".join(held) or "  none"))
