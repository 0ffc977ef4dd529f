"""Supervision page: choose a period, preview the de-identified packet, download HTML and PDF."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.supervision import Period
from dashboard.account import current_account
from dashboard.cache import cached_packet, current_key, get_engine
from dashboard.components import supervision
from dashboard.packet.context import PacketOptions
from data.packets import default_period, last_packet, previous_packet
from data.repository import count_sessions, count_sessions_between

PREVIEW_HEIGHT = 900
# Session state, not a widget key: once asked for, the packet follows the choices on this page.
WANTED = "sup_wanted"


def _nothing_logged(start: date, end: date) -> None:
    st.info(
        f"No sessions were logged from {start:%d %b %Y} to {end:%d %b %Y}. "
        "Choose a longer or earlier period."
    )


def _period(today: date) -> tuple[date, date] | None:
    last = last_packet(get_engine(), owner=current_account())
    start, end = default_period(last, today)
    if "sup_period" not in st.session_state:
        st.session_state["sup_period"] = (start, end)
    if last is None:
        hint = "No packet made yet, so the period starts four weeks ago."
    elif start > last.period_end:
        hint = f"Since your last packet ({last.period_start:%d %b} – {last.period_end:%d %b %Y})."
    else:
        hint = "Your last packet already reached today, so the period is the last four weeks."
    chosen = st.date_input("Period", key="sup_period", max_value=today, format="YYYY-MM-DD")
    st.caption(hint)
    if not isinstance(chosen, tuple) or len(chosen) != 2:
        st.info("Pick the last day of the period too.")
        return None
    return chosen[0], chosen[1]


st.title("Supervision packet")
st.write(
    "A report of your charts to bring to supervision, as a web page (HTML) or a PDF. "
    "By default it names no client (they appear as Client A, B, …), gives client-linked "
    "details only by week, and leaves out your private notes and reflections."
)

key = current_key()
engine = get_engine()
if not count_sessions(engine, owner=current_account()):
    st.info(
        "No sessions logged yet, so there is nothing to bring to supervision. "
        "Log a few sessions on the **Log a session** page and your packet appears here."
    )
    st.stop()

today = key.today
period = _period(today)
choices = supervision.choose()

if period is not None:
    start, end = period
    first, after = Period(start, end).bounds(key.tz)
    logged = count_sessions_between(engine, owner=current_account(), start=first, end=after)
    if not logged:
        _nothing_logged(start, end)
        st.stop()
    st.write(f"{logged} session{'' if logged == 1 else 's'} from {start:%d %b} to {end:%d %b %Y}.")
    # Built on request, then kept up to date with the choices above for the rest of the visit:
    # the packet is ~5 MB with its charts and costs the server 15-25 MiB of memory while it is
    # held (BENCHMARKS.md), too much to spend on every visit to this page.
    if not st.session_state.get(WANTED):
        if st.button("Prepare the packet", type="primary", key="sup_prepare"):
            st.session_state[WANTED] = True
        else:
            st.caption("Preparing takes a second or two; then you can download or preview it.")
            st.stop()
    previous = previous_packet(engine, owner=current_account(), start=start)
    with st.spinner("Preparing the packet…"):
        empty, html_bytes = cached_packet(
            key,
            options=PacketOptions(
                start, end, choices.include_notes, choices.show_codes, choices.include_answers
            ),
            previous_id=previous.id if previous else None,
        )
    if empty:
        _nothing_logged(start, end)  # entries deleted since the count above
    else:
        supervision.offer_downloads(html_bytes, start, end, choices)
        st.subheader("Preview")
        # On request: the preview sends the whole ~5 MB packet (plotly.js inlined) through the
        # page, which cost the server ~50 MiB of memory per open preview (BENCHMARKS.md).
        if st.toggle("Show the packet here", key="sup_preview"):
            st.iframe(html_bytes.decode("utf-8"), height=PREVIEW_HEIGHT)
        else:
            st.caption("Turn this on to read the packet on this page before you download it.")
