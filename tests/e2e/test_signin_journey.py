"""Journey: people of a practice sign in at the practice's identity provider through Chromium.

A real OpenID Connect provider (oidc-provider-mock, tests/e2e/identity_provider.py) and a real
PostgreSQL server, both on 127.0.0.1; `tightrope run --secrets FILE` in practice mode. Each
person has a browser context of their own, and no request of any of them leaves 127.0.0.1.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from dashboard.views.refused import REFUSAL
from tests.e2e.conftest import (
    PRACTICE_DOMAIN,
    People,
    PracticeServer,
    go_to,
    open_page,
    wait_idle,
)

TIMEOUT = 30_000


def sign_in(page: Page, practice: PracticeServer, subject: str, email: str) -> None:
    """Open the practice's Tightrope and sign in as `subject` at the provider's form."""
    practice.set_person(subject, email=email, email_verified=True, name=subject.title())
    open_page(page, practice.url, ready="Sign in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{practice.provider}/oauth2/authorize**", timeout=TIMEOUT)
    page.locator("input[name='sub']").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{practice.url}/**", timeout=TIMEOUT)
    page.wait_for_selector("[data-testid='stApp']", timeout=TIMEOUT)
    wait_idle(page)


def log_entry(page: Page, code: str) -> None:
    """Save one session entry for client `code` on the Log page, ratings left at 0."""
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT)
    code_field = main.locator("input[aria-label='Client code']")
    code_field.click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    main.get_by_role("button", name="Save session").click()
    expect(main.get_by_test_id("stAlert").filter(has_text=f"Saved {code} at")).to_be_visible(
        timeout=TIMEOUT
    )
    wait_idle(page)


def test_two_people_each_see_only_their_own_entries(
    practice: PracticeServer, people: People
) -> None:
    alice, bob = people.new_page(), people.new_page()
    sign_in(alice, practice, "alice", f"alice@{PRACTICE_DOMAIN}")
    sign_in(bob, practice, "bob", f"bob@{PRACTICE_DOMAIN}")
    log_entry(alice, "C-71")
    log_entry(bob, "C-72")
    for page, own, other in ((alice, "C-71", "C-72"), (bob, "C-72", "C-71")):
        open_page(page, f"{practice.url}/log", ready="Save session")
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text(own)
        expect(main).not_to_contain_text(other)
        go_to(page, "Your data")
        entries = page.get_by_test_id("stMetric").filter(has_text="Entries")
        expect(entries).to_have_text(re.compile(r"^Entries\s*1$"))
    # Both the app and the provider were asked, and nothing else (checked again at teardown).
    ports = {url.split("/")[2] for url in people.requests.urls}
    assert ports >= {practice.url.split("/")[2], practice.provider.split("/")[2]}
    assert people.requests.foreign() == []


def test_a_person_outside_the_practice_is_refused(practice: PracticeServer, people: People) -> None:
    page = people.new_page()
    sign_in(page, practice, "eve", "eve@elsewhere.test")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(REFUSAL)
    expect(main.get_by_role("button", name="Sign out")).to_be_visible()
    for address in ("log", "review", "data"):
        open_page(page, f"{practice.url}/{address}", ready="Sign out")
        expect(page.get_by_test_id("stMain")).to_contain_text(REFUSAL)
        expect(page.get_by_role("button", name="Save session")).to_have_count(0)


def test_signing_out_ends_access(practice: PracticeServer, people: People) -> None:
    page = people.new_page()
    sign_in(page, practice, "carol", f"carol@{PRACTICE_DOMAIN}")
    page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT)
    # A second tab of the same browser, signed in by the same cookie.
    other = page.context.new_page()
    other.on("request", lambda request: people.requests.urls.append(request.url))
    open_page(other, f"{practice.url}/log", ready="Save session")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # The provider ends its session too (its end-session page), then sends the browser back.
    page.wait_for_url(f"{practice.provider}/oauth2/end_session**", timeout=TIMEOUT)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{practice.url}/**", timeout=TIMEOUT)
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)
    for address in ("", "log", "review"):
        open_page(page, f"{practice.url}/{address}", ready="Sign in")
        expect(page.get_by_role("button", name="Save session")).to_have_count(0)
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)
    # The other tab, never reloaded: its next run (a click in its sidebar) is signed out too.
    other.get_by_test_id("stSidebarNav").get_by_role("link", name="Review").click()
    other.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)
    expect(other.get_by_test_id("stMain")).to_contain_text("signed out in another tab")
    expect(other.get_by_test_id("stMain").get_by_test_id("stPlotlyChart")).to_have_count(0)
    sidebar = other.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Sign out")).to_have_count(0)


def test_no_secret_and_no_address_reaches_the_server_log(
    practice: PracticeServer, people: People
) -> None:
    sign_in(people.new_page(), practice, "dora", f"dora@{PRACTICE_DOMAIN}")
    sign_in(people.new_page(), practice, "finn", "finn@elsewhere.test")  # refused
    log = practice.log.read_text(errors="replace")
    assert "Tightrope is starting at" in log  # it is the server's log
    for secret in practice.secrets:
        assert secret not in log
    # Nobody's e-mail address either (nor a client code of the other journeys: their author's).
    for private in (f"@{PRACTICE_DOMAIN}", "@elsewhere.test", "Zephyr", "LAVENDER"):
        assert private not in log
