"""Sign in: the only page a practice server shows before someone has signed in.

app.py serves it at every address until st.user says who is there; one button hands over to the
practice's identity provider (st.login), which sends the person back to "/".
"""

from __future__ import annotations

import streamlit as st

from dashboard.account import SIGNED_OUT_STATE

st.title("Tightrope")
if st.session_state.get(SIGNED_OUT_STATE):
    st.info("You signed out in another tab, so this one is signed out too.")
st.write("Sign in with your practice account to see your journal.")
if st.button("Sign in", key="sign_in", type="primary"):
    st.login()
