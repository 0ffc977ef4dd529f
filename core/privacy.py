"""Checks that a client code is a pseudonym and not something that identifies a person."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_PHONE = re.compile(r"(?:\+?\d[\s\-./()]*){7,}")
_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b"
    r"|\b\d{1,2}\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
# Letters only (with the spaces, hyphens and apostrophes names carry), no digit: reads like a name.
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’\-][^\W\d_]+){0,3}$")


def client_code_concerns(code: str) -> list[str]:
    """Plain-language reasons this code might identify a person; empty for a pseudonym."""
    text = code.strip()
    concerns: list[str] = []
    if _EMAIL.search(text):
        concerns.append("it looks like an email address")
    if _PHONE.search(text):
        concerns.append("it looks like a phone number")
    if _DATE.search(text):
        concerns.append("it contains a date, which could be a birthday")
    if not concerns and _NAME.match(text) and sum(ch.isalpha() for ch in text) >= 3:
        concerns.append("it looks like it could be a person's name")
    return concerns


def pseudonym_advice(code: str) -> str:
    """One sentence explaining why a code was questioned and what to use instead."""
    reasons = client_code_concerns(code)
    if not reasons:
        return ""
    return (
        f"This code might identify someone: {'; '.join(reasons)}. "
        "Codes are safest as pseudonyms such as C-07 or Heron-2. "
        "Tick the box to keep it anyway."
    )
