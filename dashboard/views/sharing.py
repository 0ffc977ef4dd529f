"""Sharing (practice mode): choose a supervisor and what they see, share a packet, see who
looked at what and when, and take part in the practice view or not. Everything here can be
undone at once."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st
from sqlalchemy.exc import OperationalError

from dashboard.cache import cached_packet, current_key, get_engine
from dashboard.common import leave_flash, local_time, md, show_flash
from dashboard.packet.context import PacketOptions
from data.db import trouble_in_words
from data.packets import previous_packet
from data.practice import min_group, opted_in_since, set_opt_in
from data.sharing import (
    Grant,
    SharingError,
    access_log,
    grants_given,
    invite_supervisor,
    packets_shared,
    revoke_supervisor,
    share_packet,
    unshare_packet,
)

FLASH = "share_flash"
SHARE_TO = "share_packet_asked"  # session state: the supervisor shown when Share was clicked
PACKET_WEEKS = 4


def _what(grant: Grant) -> str:
    shared = [
        name
        for name, on in (
            ("your warning levels and their sentences", grant.share_levels),
            ("your trend charts", grant.share_trends),
        )
        if on
    ]
    if not shared:
        return "only the packets you share with them"
    return " and ".join(shared) + ", and any packet you share with them"


def _supervisors(account: int, active: list[Grant]) -> None:
    st.subheader("Your supervisor")
    if not active:
        st.caption(
            "You share nothing with anyone yet. Invite your supervisor below: they see only "
            "what you choose, never client codes, notes or reflections, until you stop it."
        )
    for grant in active:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(
            f"**{md(grant.supervisor_name)}** sees {_what(grant)} "
            f"(since {local_time(grant.created_at)})."
        )
        if right.button("Stop sharing", key=f"share_revoke_{grant.id}"):
            try:
                revoke_supervisor(get_engine(), owner=account, grant=grant.id)
            except OperationalError as error:
                st.error(f"Nothing was changed: {trouble_in_words(error)}. Try again.")
                continue
            leave_flash(FLASH, "success", f"{md(grant.supervisor_name)} no longer sees anything.")
            st.rerun()


def _invite(account: int) -> None:
    with st.form("share_invite", clear_on_submit=False, border=True):
        st.markdown("**Invite a supervisor** (or change what someone already sees)")
        email = st.text_input(
            "Their e-mail address, the one they sign in to Tightrope with", key="share_email"
        )
        levels = st.checkbox(
            "My warning levels and their sentences", value=True, key="share_levels"
        )
        trends = st.checkbox("My trend charts", value=True, key="share_trends")
        st.caption("Leave both unticked to share only the packets you give them.")
        submitted = st.form_submit_button("Share with them", type="primary")
        if submitted:
            try:
                invite_supervisor(
                    get_engine(),
                    owner=account,
                    email=email,
                    share_levels=levels,
                    share_trends=trends,
                )
            except SharingError as error:
                st.error(str(error))  # next to the field, inside the form
                return
            leave_flash(FLASH, "success", "Shared. They see it the next time they look.")
            st.rerun()


def _ask_to_share(supervisor: int) -> None:
    # The supervisor shown when the button was clicked: if that grant ended meanwhile (another tab),
    # the list on the next run no longer holds them and its first name would take their place.
    st.session_state[SHARE_TO] = supervisor


def _share_packet(account: int, supervisor: int, names: dict[int, str]) -> None:
    """Share the last four weeks' packet with `supervisor`, or say in plain words why not."""
    engine = get_engine()
    key = current_key(account=account)
    start = key.today - timedelta(weeks=PACKET_WEEKS) + timedelta(days=1)
    with st.spinner("Preparing the packet…"):
        previous = previous_packet(engine, owner=account, start=start)
        empty, html = cached_packet(
            key,
            options=PacketOptions(start, key.today, False, False, False),
            previous_id=previous.id if previous else None,
        )
    if empty:
        st.info("No sessions in the last four weeks: there is no packet to share.")
        return
    if supervisor not in names:
        st.error("You stopped sharing with that supervisor, so nothing was shared.")
        return
    title = f"Packet {start:%d %b} – {key.today:%d %b %Y}"
    try:
        share_packet(
            engine, owner=account, supervisor=supervisor, fmt="html", title=title, content=html
        )
    except OperationalError as error:
        st.error(f"Nothing was shared: {trouble_in_words(error)}. Try again.")
        return
    except SharingError as error:
        st.error(f"{error} Nothing was shared.")
        return
    leave_flash(FLASH, "success", f"Shared “{title}” with {md(names[supervisor])}.")
    st.rerun()


def _packets(account: int, active: list[Grant]) -> None:
    st.subheader("Share a packet")
    engine = get_engine()
    if not active:
        st.caption("Once you share with a supervisor, you can give them a packet here.")
        st.session_state.pop(SHARE_TO, None)
    else:
        names = {grant.supervisor_id: grant.supervisor_name for grant in active}
        supervisor = st.selectbox(
            "With", list(names), format_func=lambda i: names[i], key="share_packet_to"
        )
        today = current_key(account=account).today
        start = today - timedelta(weeks=PACKET_WEEKS) + timedelta(days=1)
        st.caption(
            f"The last four weeks ({start:%d %b} – {today:%d %b %Y}), de-identified: "
            "no client code, note or reflection. For another period or more detail, make "
            "the packet on the Supervision packet page and bring it yourself."
        )
        st.button(
            "Share this packet", key="share_packet", on_click=_ask_to_share, args=(supervisor,)
        )
        asked = st.session_state.pop(SHARE_TO, None)
        if asked is not None:
            _share_packet(account, asked, names)
    shared = packets_shared(engine, owner=account)
    if shared:
        st.markdown("**Packets you shared**")
    for packet in shared:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"{md(packet.title)}, shared {local_time(packet.created_at)}")
        if right.button("Take back", key=f"share_unshare_{packet.id}"):
            try:
                unshare_packet(engine, owner=account, packet=packet.id)
            except OperationalError as error:
                st.error(f"Nothing was changed: {trouble_in_words(error)}. Try again.")
                continue
            leave_flash(FLASH, "success", f"“{packet.title}” is no longer shared.")
            st.rerun()


def _log(account: int) -> None:
    st.subheader("Who looked at what, when")
    entries = access_log(get_engine(), owner=account)
    if not entries:
        st.caption("Nobody has looked at anything you share.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "When": [local_time(entry.at) for entry in entries],
                "Who": [entry.viewer_name for entry in entries],
                "What": [entry.what for entry in entries],
            }
        ),
        hide_index=True,
        width="stretch",
        key="share_log",
    )


def _practice_view(account: int) -> None:
    st.subheader("The practice view")
    engine = get_engine()
    since = opted_in_since(engine, owner=account)
    st.caption(
        "A clinical lead sees how many therapists are at no warning, watch and chronic, never "
        f"who. Nothing is shown until at least {min_group(engine)} therapists take part."
    )
    wanted = st.toggle(
        "Count me in the practice view, without my name", value=since is not None, key="share_opt"
    )
    if wanted != (since is not None):
        try:
            set_opt_in(engine, owner=account, opted_in=wanted)
        except OperationalError as error:
            st.error(f"Nothing was changed: {trouble_in_words(error)}. Try again.")
            return
        # Right below the switch, not at the top of the page.
        st.success("You are counted from now on." if wanted else "You are no longer counted.")


def render(*, account: int) -> None:
    """Render the Sharing page for `account`."""
    st.title("Sharing")
    st.write(
        "You decide what anyone else sees, and you can stop it at any time: it ends with their "
        "next look. Every look is listed below."
    )
    show_flash(FLASH)
    active = [grant for grant in grants_given(get_engine(), owner=account) if grant.active]
    _supervisors(account, active)
    _invite(account)
    _packets(account, active)
    _log(account)
    _practice_view(account)
