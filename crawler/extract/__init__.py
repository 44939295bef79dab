"""Extractors of facts from page text: dates, phones, emails, postcodes and age ranges.

Each module is pure (text in, normalised values out) so checks can import them to
normalise catalogue values the same way the crawler normalises page values.
"""
