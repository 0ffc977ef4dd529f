"""The Supervision page's choices (what the packet may show) and its downloads (HTML, PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy.exc import OperationalError

from dashboard.account import current_account
from dashboard.cache import get_engine
from dashboard.common import leave_flash, show_flash
from dashboard.packet.pdf import ChromiumNotFoundError, PdfError, html_to_pdf
from data.db import trouble_in_words
from data.packets import record_packet


@dataclass(frozen=True)
class Choices:
    """What the therapist chose to put in the packet beyond the de-identified default."""

    include_notes: bool
    show_codes: bool
    include_answers: bool


def _record(start: date, end: date, fmt: str) -> None:
    try:
        record_packet(get_engine(), owner=current_account(), start=start, end=end, fmt=fmt)
    except OperationalError as error:  # the download itself went through
        leave_flash(
            "sup_flash",
            "warning",
            f"Your download worked, but it was not noted as your last packet "
            f"({trouble_in_words(error)}), so the next period may start earlier.",
        )
        return
    leave_flash(
        "sup_flash",
        "success",
        f"Saved as your last packet ({fmt.upper()}); "
        f"next time the period starts after {end:%d %b}.",
    )


def choose() -> Choices:
    """The three toggles, each with its warning while it is on."""
    left, right = st.columns(2)
    include_notes = left.toggle("Include my notes and reflections", key="sup_include_notes")
    show_codes = right.toggle("Show client codes", key="sup_show_codes")
    if include_notes:
        left.warning(
            "Your private notes and reflections will be in the packet. Share it only with your "
            "supervisor, and delete spare copies."
        )
    include_answers = left.toggle(
        "Include my check-in answers",
        key="sup_include_checkin_answers",
        help="The scores of your latest check-ins are always in; this adds your answer to "
        "each question.",
    )
    if show_codes:
        right.warning(
            "Client codes will be in the packet instead of Client A, B, …. Make sure no code "
            "could identify a client before you share it."
        )
    return Choices(include_notes, show_codes, include_answers)


def offer_downloads(html_bytes: bytes, start: date, end: date, choices: Choices) -> None:
    """Download HTML, make and download the PDF; each download is recorded as the last packet."""
    show_flash("sup_flash")
    name = f"supervision-packet-{start}-to-{end}"
    buttons = st.columns(3)
    buttons[0].download_button(
        "Download HTML",
        # The bytes themselves, not a callable: a deferred download is fetched after the rerun
        # that on_click starts, and that rerun revokes the callable, so the download failed
        # now and then on a loaded machine.
        data=html_bytes,
        file_name=f"{name}.html",
        mime="text/html",
        key="sup_download_html",
        on_click=_record,
        args=(start, end, "html"),
    )
    pdf_key = ("sup_pdf", start, end, choices, hash(html_bytes))
    if buttons[1].button("Make PDF", key="sup_make_pdf"):
        try:
            with st.spinner("Making the PDF… (a few seconds)"):
                st.session_state["sup_pdf"] = (pdf_key, html_to_pdf(html_bytes.decode("utf-8")))
        except ChromiumNotFoundError as error:
            st.warning(str(error))
        except PdfError as error:
            st.error(str(error))
    made = st.session_state.get("sup_pdf")
    if made is not None and made[0] == pdf_key:
        buttons[2].download_button(
            "Download PDF",
            data=made[1],
            file_name=f"{name}.pdf",
            mime="application/pdf",
            key="sup_download_pdf",
            type="primary",
            on_click=_record,
            args=(start, end, "pdf"),
        )
