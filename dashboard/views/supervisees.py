"""People you supervise (practice mode): for each therapist who shares with you, what they chose
to share: their current levels with the sentences they see, their trend charts, their packets.

Every look is read afresh from the database, which checks the therapist still shares and adds
it to their access log; only the analysis of what was read is cached (dashboard.cache).
"""

from __future__ import annotations

import streamlit as st

from core.levels import Level
from core.schema import SIGNS
from dashboard.cache import (
    cached_shared_assessment,
    cached_shared_trend,
    get_engine,
    shared_key,
)
from dashboard.common import local_time, md
from dashboard.figures.signs import most_pressing
from dashboard.figures.style import CHART_CONFIG
from data.sharing import (
    Supervisee,
    shared_packet_content,
    shared_packets,
    shared_ratings,
    shared_thresholds,
    supervisees,
)

OPENED = "sv_opened"  # session state: packet id -> its bytes, fetched when asked for


def _levels_and_trends(account: int, person: Supervisee) -> None:
    engine = get_engine()
    sessions = shared_ratings(engine, supervisor=account, owner=person.owner_id)
    thresholds = shared_thresholds(engine, supervisor=account, owner=person.owner_id)
    if sessions.empty:
        st.info(f"{md(person.display_name)} has not logged any sessions yet.")
        return
    key = shared_key(
        account=account, owner=person.owner_id, frames=[sessions], settings=[thresholds]
    )
    with st.spinner("Looking over their entries…"):
        assessment = cached_shared_assessment(key, sessions=sessions, thresholds=thresholds)
    if person.share_levels:
        st.markdown(
            f"**{md(assessment.overall.level.label)}.** {md(assessment.overall.explanation)}"
        )
        for sign in SIGNS:
            status = assessment.signs[sign]
            st.markdown(
                f"- **{sign.capitalize()}: {md(Level(status.level).word)}.** "
                f"{md(status.explanation)}"
            )
        st.caption(
            f"The sentences are the ones {md(person.display_name)} reads, with their own settings."
        )
    if person.share_trends:
        first = most_pressing(assessment)

        def option(sign: str) -> str:
            level = Level(assessment.signs[sign].level)
            return sign.capitalize() + ("" if level is Level.NONE else f" · {level.word}")

        sign = (
            st.segmented_control(
                "Show", SIGNS, default=first, format_func=option, key=f"sv_sign_{person.owner_id}"
            )
            or first
        )
        figure = cached_shared_trend(
            key,
            sign=sign,
            assessment=assessment,
            absolute_threshold=thresholds.absolute_threshold,
        )
        st.plotly_chart(
            figure, width="stretch", key=f"sv_trend_{person.owner_id}", config=CHART_CONFIG
        )
        st.caption(
            "Dots: day values. Lines: 7- and 28-day averages, their usual level and the fixed "
            "line. Shaded: days at watch (amber) or chronic (red)."
        )


def _packets(account: int, person: Supervisee) -> None:
    engine = get_engine()
    packets = shared_packets(engine, supervisor=account, owner=person.owner_id)
    st.markdown("**Packets they shared with you**")
    if not packets:
        st.session_state.pop(OPENED, None)
        st.caption("None yet.")
        return
    opened: dict[int, bytes] = st.session_state.setdefault(OPENED, {})
    for gone in set(opened) - {packet.id for packet in packets}:
        del opened[gone]  # taken back or no longer shared: not kept in this session either
    for packet in packets:
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.markdown(f"{md(packet.title)}, shared {local_time(packet.created_at)}")
        if packet.id not in opened:
            if right.button("Get this packet", key=f"sv_get_{packet.id}"):
                content = shared_packet_content(engine, supervisor=account, packet=packet.id)
                if content is None:
                    right.info("No longer shared.")
                    continue
                opened[packet.id] = content
                st.rerun()
        else:
            right.download_button(
                "Download (HTML)",
                data=opened[packet.id],
                file_name=f"packet-{packet.id}.html",
                mime="text/html",
                key=f"sv_download_{packet.id}",
            )


def render(*, account: int) -> None:
    """Render the People-you-supervise page for `account`."""
    st.title("People you supervise")
    people = supervisees(get_engine(), supervisor=account)
    if not people:
        st.info(
            "Nobody shares with you yet. When a therapist invites you as their supervisor, "
            "they appear here, with only what they chose to share."
        )
        st.session_state.pop(OPENED, None)
        return
    names = {person.owner_id: person for person in people}
    chosen = st.selectbox(
        "Whose", list(names), format_func=lambda i: names[i].display_name, key="sv_person"
    )
    person = names[chosen]
    st.caption(f"Shares with you since {local_time(person.since)}.")
    if person.share_levels or person.share_trends:
        _levels_and_trends(account, person)
    _packets(account, person)
