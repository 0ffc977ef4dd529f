"""The yardstick for saving: a bare Streamlit form that inserts one row into SQLite."""

import os
import sqlite3

import streamlit as st

PATH = os.environ["BARE_FORM_DATABASE"]


def _insert() -> None:
    # Same durability settings as Tightrope's engine, so the comparison is about the app, not fsync.
    with sqlite3.connect(PATH) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS entry (code TEXT, dread INTEGER)")
        connection.execute(
            "INSERT INTO entry VALUES (?, ?)", (st.session_state.code, st.session_state.dread)
        )
    connection.close()
    st.session_state.saved = f"Saved {st.session_state.code}."


st.title("Bare form")
if "saved" in st.session_state:
    st.success(st.session_state.pop("saved"))
with st.form("form"):
    st.text_input("Client code", key="code")
    st.slider("Dread", 0, 10, key="dread")
    st.form_submit_button("Save", on_click=_insert)
