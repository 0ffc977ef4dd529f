"""The shipped Streamlit config keeps the server private and quiet."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dashboard.cli.run import SECURE_FLAGS, streamlit_command

ROOT = Path(__file__).resolve().parents[1]


def load_config() -> dict[str, dict[str, object]]:
    """The parsed .streamlit/config.toml."""
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_server_listens_on_loopback_only() -> None:
    assert load_config()["server"]["address"] == "127.0.0.1"


def test_no_usage_statistics() -> None:
    assert load_config()["browser"]["gatherUsageStats"] is False


def test_headless_xsrf_and_no_error_details() -> None:
    config = load_config()
    assert config["server"]["headless"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"


def test_errors_offer_no_links_to_outside_services() -> None:
    # Streamlit's error box otherwise offers "Ask Google" and "Ask ChatGPT" on localhost.
    assert load_config()["client"]["showErrorLinks"] is False
    assert "--client.showErrorLinks=false" in streamlit_command(8501)


def test_cli_passes_the_same_secure_flags() -> None:
    command = streamlit_command(8501)
    for flag in (
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.headless=true",
        "--client.showErrorDetails=none",
        "--server.enableXsrfProtection=true",
    ):
        assert flag in command
        assert flag in SECURE_FLAGS


def test_no_material_icons_anywhere() -> None:
    # Material icons make the browser fetch a font from another host.
    pattern = re.compile(r":material/")
    for path in (ROOT / "dashboard").rglob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name


def test_no_pages_folder_beside_the_app() -> None:
    # A pages/ folder would be served page by page, bypassing app.py's navigation and set-up.
    assert not (ROOT / "dashboard" / "pages").exists()
    assert (ROOT / "dashboard" / "views" / "log.py").exists()
