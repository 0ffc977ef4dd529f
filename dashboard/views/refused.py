"""Refused: someone signed in whom the practice has not given access, with a way to sign out.

app.py serves it at every address for such a session; nothing of any journal is read.
"""

from __future__ import annotations

import streamlit as st

from dashboard.account import sign_out

REFUSAL = (
    "This practice has not given this account access. "
    "Ask your practice's administrator to invite you."
)

st.title("No access")
st.write(REFUSAL)
if st.button("Sign out", key="sign_out_refused"):
    sign_out()
