"""The `tightrope` command: run and demo wiring; the demo never touches the real database."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from dashboard import cli
from dashboard.cli import run
from data.db import make_engine
from data.environment import load_environment
from data.repository import add_session, count_sessions, load_sessions
from tests.factories import (
    CLIENT_SECRET,
    COOKIE_SECRET,
    OWNER,
    auth_section,
    make_entry,
    write_secrets,
)
from tests.paths import ROOT


def test_run_serves_the_app_on_loopback_with_secure_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: calls.append(list(argv)))
    assert cli.main(["run", "--port", "8765"]) == 0
    (argv,) = calls
    assert argv[1:4] == ["-m", "streamlit", "run"]
    assert argv[4].endswith("dashboard/app.py")
    assert "--server.port=8765" in argv
    assert "--server.address=127.0.0.1" in argv


@pytest.mark.parametrize(
    ("variable", "preset", "expected"),
    [
        ("MALLOC_ARENA_MAX", None, "2"),
        ("MALLOC_ARENA_MAX", "4", "4"),
        ("PYTHONOPTIMIZE", None, None),  # no interpreter-wide tricks: asserts stay on
        ("ARROW_DEFAULT_MEMORY_POOL", None, "system"),
        ("ARROW_DEFAULT_MEMORY_POOL", "mimalloc", "mimalloc"),
    ],
)
def test_run_sets_the_memory_settings_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch, variable: str, preset: str | None, expected: str
) -> None:
    if preset is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, preset)
    seen: list[str | None] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: seen.append(env.get(variable)))
    assert cli.main(["run", "--port", "8765"]) == 0
    assert seen == [expected]
    assert run.os.environ.get(variable) == preset  # this process is left alone


def test_demo_seeds_its_own_database_and_leaves_the_real_one_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: calls.append(env))
    demo_path = tmp_path / "demo.sqlite3"
    real = load_environment().database_path
    assert real is not None
    assert cli.main(["demo", "--database", str(demo_path), "--today", "2026-11-20"]) == 0
    (env,) = calls  # the demo serves the dashboard, on the demo database
    assert env["TIGHTROPE_DATABASE_URL"].endswith(str(demo_path))
    assert env["TIGHTROPE_DEMO"] == "1"
    assert load_environment().database_path == real  # this process is left alone
    assert not real.exists()
    demo = make_engine(f"sqlite:///{demo_path}")
    seeded = count_sessions(demo, owner=OWNER)
    # About six months at about 25 sessions a week.
    assert 450 <= seeded <= 800
    # Running it again adds nothing: the demo is seeded once.
    assert cli.main(["demo", "--database", str(demo_path), "--seed-only"]) == 0
    assert count_sessions(demo, owner=OWNER) == seeded


def test_demo_fresh_deletes_only_a_demo_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "notes.txt"
    victim.write_text("important", encoding="utf-8")
    assert cli.main(["demo", "--fresh", "--seed-only", "--database", str(victim)]) == 2
    assert "is not a demo database" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "important"
    demo = tmp_path / "demo.sqlite3"
    seed = ["demo", "--seed-only", "--database", str(demo), "--today", "2026-11-20"]
    assert cli.main(seed) == 0
    assert cli.main([*seed, "--fresh"]) == 0  # a demo database is made anew
    assert "sessions added" in capsys.readouterr().out


def test_demo_is_deterministic(tmp_path: Path) -> None:
    frames = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        assert (
            cli.main(["demo", "--database", str(path), "--today", "2026-11-20", "--seed-only"]) == 0
        )
        frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
        frames.append(frame.drop(columns=["id"]))
    assert frames[0].equals(frames[1])


def test_demo_history_has_the_planted_client_and_many_clients(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    cli.main(["demo", "--database", str(path), "--today", "2026-11-20", "--seed-only"])
    frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
    assert frame["client_code"].nunique() >= 20
    assert "C-42" in set(frame["client_code"])
    difficult = frame[frame["client_code"] == "C-42"]["dread"].mean()
    others = frame[frame["client_code"] != "C-42"]["dread"].mean()
    assert difficult - others > 1.5
    assert frame["started_at"].max().date() <= date(2026, 11, 20)


def test_unknown_command_exits_with_usage() -> None:
    with pytest.raises(SystemExit) as error:
        cli.main(["nonsense"])
    assert error.value.code == 2


def test_demo_without_a_date_holds_no_future_session(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    assert cli.main(["demo", "--database", str(path), "--seed-only"]) == 0
    frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
    assert len(frame) > 400
    assert frame["started_at"].max() <= pd.Timestamp.now(tz="UTC")


def served_port(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> str:
    """The --server.port flag `tightrope` hands Streamlit for `argv`."""
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, args, env: calls.append(list(args)))
    assert cli.main(argv) == 0
    (command,) = calls
    (flag,) = [a for a in command if a.startswith("--server.port=")]
    return flag


@pytest.mark.parametrize(
    ("preset", "argv", "expected"),
    [
        (None, ["run"], "--server.port=8501"),
        ("8600", ["run"], "--server.port=8600"),
        ("8600", ["run", "--port", "8700"], "--server.port=8700"),  # the option wins
    ],
)
def test_run_serves_on_the_port_the_environment_or_option_names(
    monkeypatch: pytest.MonkeyPatch, preset: str | None, argv: list[str], expected: str
) -> None:
    if preset is None:
        monkeypatch.delenv(run.PORT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(run.PORT_VARIABLE, preset)
    assert served_port(monkeypatch, argv) == expected


def test_demo_serves_on_the_port_the_environment_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(run.PORT_VARIABLE, "8611")
    argv = ["demo", "--database", str(tmp_path / "d.sqlite3"), "--today", "2026-11-20"]
    assert served_port(monkeypatch, argv) == "--server.port=8611"


@pytest.mark.parametrize("bad", ["http", "0", "70000"])
def test_a_port_that_is_not_one_is_refused_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    monkeypatch.setattr(run.os, "execve", lambda path, args, env: pytest.fail("served"))
    with pytest.raises(SystemExit) as option:
        cli.main(["run", "--port", bad])
    assert option.value.code == 2
    assert "is not a port number from 1 to 65535" in capsys.readouterr().err
    monkeypatch.setenv(run.PORT_VARIABLE, bad)
    with pytest.raises(SystemExit) as variable:
        cli.main(["run"])
    assert "STREAMLIT_SERVER_PORT" in str(variable.value.code)
    assert "is not a port number" in str(variable.value.code)


@pytest.mark.parametrize("target", ["run", "demo"])
@pytest.mark.parametrize(("extra", "expected"), [([], ""), (["PORT=8600"], " --port 8600")])
def test_make_passes_port_on(target: str, extra: list[str], expected: str) -> None:
    # -n prints the recipe without running it; -o treats the install stamp as up to date.
    done = subprocess.run(
        ["make", "-n", "-o", "$(STAMP)", target, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [line for line in done.stdout.splitlines() if f"tightrope {target}" in line]
    assert line.rstrip().endswith(f"tightrope {target}{expected}")


def test_demo_fresh_goes_beside_the_configured_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", f"sqlite:///{elsewhere / 'journal.sqlite3'}")
    assert cli.main(["demo", "--fresh", "--seed-only", "--today", "2026-11-20"]) == 0
    assert (elsewhere / "demo.sqlite3").is_file()
    assert not (tmp_path / "xdg-data").exists()  # the user-data folder stays untouched
    assert not (elsewhere / "journal.sqlite3").exists()


def test_demo_refuses_to_use_the_real_database(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = load_environment().database_path
    assert real is not None
    add_session(engine, owner=OWNER, entry=make_entry())
    engine.dispose()
    assert cli.main(["demo", "--fresh", "--database", str(real), "--seed-only"]) == 2
    assert "is your own database" in capsys.readouterr().err
    assert count_sessions(make_engine(f"sqlite:///{real}"), owner=OWNER) == 1


# --- serving beyond this machine: only with sign-in, and never with a weak or leaked secret ---

PG_URL = "postgresql+psycopg://tightrope_app@db.example/tightrope"


@pytest.fixture
def no_default_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Streamlit's default secrets places hold nothing: an empty home and working folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(run, "default_secrets_files", lambda: [tmp_path / "home" / "none.toml"])


def _serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[list[str]], str]:
    """Run `tightrope run ARGV` with execve caught: exit code, the commands run, all output."""
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, command, env: calls.append(list(command)))
    code = cli.main(["run", "--port", "8765", *argv])
    out, err = capsys.readouterr()
    return code, calls, out + err


@pytest.mark.usefixtures("no_default_secrets")
@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "tightrope.example"])
def test_another_address_without_sign_in_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    code, calls, output = _serve(monkeypatch, capsys, "--address", address)
    assert code == 2 and calls == []
    assert f"Tightrope serves {address} only with sign-in configured" in output


@pytest.mark.usefixtures("no_default_secrets")
@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_loopback_needs_no_sign_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    code, (argv,), _ = _serve(monkeypatch, capsys, "--address", address)
    assert code == 0 and f"--server.address={address}" in argv


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"client_secret": None}, "`client_secret` is missing"),
        ({"server_metadata_url": None}, "`server_metadata_url` is missing"),
        ({"cookie_secret": None}, "`cookie_secret` is missing"),
        ({"cookie_secret": "too-short-a-secret"}, "shorter than 32 characters"),
    ],
)
def test_an_incomplete_sign_in_is_refused_on_any_address(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    overrides: dict[str, str | None],
    problem: str,
) -> None:
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", PG_URL)
    secrets = write_secrets(tmp_path / "secrets.toml", auth_section(**overrides))
    for address in ("0.0.0.0", "127.0.0.1"):
        code, calls, output = _serve(
            monkeypatch, capsys, "--address", address, "--secrets", str(secrets)
        )
        assert code == 2 and calls == []
        assert problem in output
        assert "too-short-a-secret" not in output and CLIENT_SECRET not in output


def test_sign_in_on_a_sqlite_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secrets = write_secrets(tmp_path / "secrets.toml", auth_section())
    code, calls, output = _serve(monkeypatch, capsys, "--secrets", str(secrets))
    assert code == 2 and calls == []
    assert "PostgreSQL" in output and COOKIE_SECRET not in output


def test_a_missing_secrets_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, calls, output = _serve(monkeypatch, capsys, "--secrets", str(tmp_path / "none.toml"))
    assert code == 2 and calls == [] and "does not exist" in output


def test_sign_in_serves_another_address_with_xsrf_on_and_no_secret_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", PG_URL)
    secrets = write_secrets(tmp_path / "secrets.toml", auth_section())
    code, (argv,), output = _serve(
        monkeypatch, capsys, "--address", "0.0.0.0", "--secrets", str(secrets)
    )
    assert code == 0
    assert "--server.address=0.0.0.0" in argv and "--server.address=127.0.0.1" not in argv
    assert "--server.enableXsrfProtection=true" in argv
    assert f"--secrets.files={secrets}" in argv  # Streamlit reads exactly the file checked
    assert not any(COOKIE_SECRET in part or CLIENT_SECRET in part for part in argv)
    assert COOKIE_SECRET not in output and CLIENT_SECRET not in output
    assert "Practice mode: people sign in at https://tightrope.practice.example" in output


def test_sign_in_in_streamlit_s_usual_place_is_found(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    write_secrets(tmp_path / ".streamlit" / "secrets.toml", auth_section(client_secret=None))
    code, calls, output = _serve(monkeypatch, capsys, "--address", "0.0.0.0")
    assert code == 2 and calls == [] and "`client_secret` is missing" in output


def test_a_secrets_file_everyone_can_read_is_warned_about(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", PG_URL)
    secrets = write_secrets(tmp_path / "secrets.toml", auth_section())
    secrets.chmod(0o644)
    code, _, output = _serve(monkeypatch, capsys, "--secrets", str(secrets))
    assert code == 0 and f"every user of this machine can read {secrets}" in output
    secrets.chmod(0o640)
    code, _, output = _serve(monkeypatch, capsys, "--secrets", str(secrets))
    assert code == 0 and "warning" not in output
