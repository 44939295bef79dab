"""Tidy the ORUK values that feeds commonly write in another form, before validation.

Only forms that mean the same are rewritten (a website without its scheme, a date
written the British way); wrong values are left for validation to report, so that
they become ``catalogue.invalid-field`` findings (or, with ``strict``, errors).
"""

from __future__ import annotations

from checks.catalogue import fields


def clean(record: dict, label: str) -> list[str]:
    """Rewrite equivalent forms in ``record`` in place; return a note per rewrite."""
    notes: list[str] = []
    website = record["contacts"]["website"]
    record["contacts"]["website"] = fields.fix_website(website)
    if record["contacts"]["website"] != website:
        notes.append(f"{label}: url {website!r} read as {record['contacts']['website']!r}")
    reviewed = record.get("last_reviewed")
    if isinstance(reviewed, str) and reviewed:
        record["last_reviewed"] = fields.iso_date(reviewed) or reviewed
    return notes
