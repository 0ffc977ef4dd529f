"""`tightrope practice …`: the administrator's commands, as the owner role, on PostgreSQL only."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from data.environment import MIGRATION_URL_VARIABLE
from data.practice import NEEDS_POSTGRESQL, is_lead, min_group, sign_in
from tests.databases import Databases

ADDRESS = "Lead.Person@practice.example"


@pytest.fixture
def administrator(databases: Databases, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Databases:
    """TIGHTROPE_MIGRATION_DATABASE_URL names the owner role, as a practice server has it."""
    monkeypatch.setenv(MIGRATION_URL_VARIABLE, databases.owner_url(db_url))
    return databases


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_commands_let_people_in_and_make_a_lead(
    administrator: Databases,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert main(["practice", "allow-domain", "Practice.example"]) == 0
    assert "practice.example may now sign in" in capsys.readouterr().out
    assert main(["practice", "invite", "guest@elsewhere.example"]) == 0
    assert "Invited guest@elsewhere.example" in capsys.readouterr().out

    assert main(["practice", "lead", ADDRESS]) == 1
    assert "sign in to Tightrope once first" in capsys.readouterr().err
    lead = sign_in(
        engine, issuer="https://id.example", subject="l", display_name="L", email=ADDRESS
    )
    assert lead is not None
    assert main(["practice", "lead", ADDRESS]) == 0
    assert "lead.person@practice.example is now a clinical lead" in capsys.readouterr().out
    assert is_lead(engine, account=lead)

    assert main(["practice", "min-group", "6"]) == 0
    assert min_group(engine) == 6
    assert main(["practice", "min-group", "1"]) == 1
    assert "Nothing was changed" in capsys.readouterr().err

    assert main(["practice", "list"]) == 0
    listed = capsys.readouterr().out
    assert "practice.example" in listed and "Invited addresses: 1" in listed
    assert "Clinical leads: 1" in listed and "at least 6" in listed
    assert "@" not in listed  # addresses are never listed

    assert main(["practice", "lead", "--remove", ADDRESS]) == 0
    assert not is_lead(engine, account=lead)
    assert main(["practice", "withdraw", "guest@elsewhere.example"]) == 0
    assert main(["practice", "withdraw", "guest@elsewhere.example"]) == 0
    assert "no permit" in capsys.readouterr().out

    for record in caplog.records:  # nothing logs an address
        assert "@" not in record.getMessage() + repr(record.args)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_without_the_owner_role_the_database_refusal_is_explained(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["practice", "allow-domain", "practice.example"]) == 1
    assert "TIGHTROPE_MIGRATION_DATABASE_URL" in capsys.readouterr().err


def test_sqlite_is_refused_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["list"], ["invite", "a@b.example"], ["min-group", "5"]):
        assert main(["practice", *command]) == 1
        assert capsys.readouterr().err.strip() == NEEDS_POSTGRESQL


@pytest.mark.parametrize("backend", ["postgresql"])
def test_an_owner_url_of_another_database_is_refused(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(MIGRATION_URL_VARIABLE, db_url.rsplit("/", 1)[0] + "/elsewhere")
    assert main(["practice", "allow-domain", "practice.example"]) == 1
    assert "another database" in capsys.readouterr().err
