"""The few CSS rules every page gets (dashboard/app.py adds them once per full run)."""

from __future__ import annotations

from typing import Final

import streamlit as st

STALE_SNAP: Final = (
    "[data-testid='stElementContainer'], [data-testid='stExpander'] details, "
    "[data-testid='stExpander'] summary { transition-duration: 0s !important; }"
)
"""While a run is on its way, Streamlit fades every element it will replace to a third of its
opacity: half a second after the run starts, over one second. A fade is a new frame for each
element at each of the screen's refreshes: with runs of about two seconds, as under load, the
fades took about an eighth of a tab's CPU for a round of save and Review
(benchmarks/browser_cpu.py --server-share, BENCHMARKS.md). With no duration the elements still
turn pale at the same half second, in one step: the page says it is updating as before."""


STYLE: Final = f"<style>{STALE_SNAP}</style>"


def page_style() -> None:
    """Add the page-wide CSS (a style element only: it takes no room on the page)."""
    st.html(STYLE)
