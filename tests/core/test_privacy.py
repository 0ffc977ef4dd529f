"""The client-code guard questions identifying codes and lets pseudonyms through."""

from __future__ import annotations

import pytest

from core.privacy import client_code_concerns, pseudonym_advice


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("Anna Schmidt", "name"),
        ("anna", "name"),
        ("Jean-Luc", "name"),
        ("O'Brien", "name"),
        ("anna.schmidt@example.org", "email"),
        ("+49 170 1234567", "phone"),
        ("0170/1234567", "phone"),
        ("1990-04-12", "date"),
        ("12.04.1990", "date"),
        ("12 April", "date"),
    ],
)
def test_identifying_codes_are_questioned(code: str, reason: str) -> None:
    concerns = client_code_concerns(code)
    assert any(reason in c for c in concerns), concerns
    assert "pseudonym" in pseudonym_advice(code)


@pytest.mark.parametrize("code", ["C-07", "C07", "K3", "Heron-2", "A1B2", "client 12", "X"])
def test_pseudonyms_pass(code: str) -> None:
    assert client_code_concerns(code) == []
    assert pseudonym_advice(code) == ""
