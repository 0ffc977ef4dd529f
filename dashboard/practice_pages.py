"""The pages of practice mode, for dashboard/app.py's navigation: Sharing, People you supervise
and, for a clinical lead, the Practice view. Personal mode shows none of them."""

from __future__ import annotations

import streamlit as st


def practice_pages(*, account: int, lead: bool) -> list[st.Page]:
    """The practice pages for signed-in `account`; the Practice view only when `lead`."""

    def sharing() -> None:
        from dashboard.views.sharing import render

        render(account=account)

    def supervisees() -> None:
        from dashboard.views.supervisees import render

        render(account=account)

    def practice_view() -> None:
        from dashboard.views.practice import render

        render(account=account)

    pages = [
        st.Page(sharing, title="Sharing", url_path="sharing"),
        st.Page(supervisees, title="People you supervise", url_path="supervisees"),
    ]
    if lead:
        pages.append(st.Page(practice_view, title="Practice view", url_path="practice"))
    return pages
