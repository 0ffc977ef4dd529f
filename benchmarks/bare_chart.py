"""The yardstick for pages: a bare Streamlit app whose second page draws one Plotly chart.

It is written the way most Streamlit data apps are: a pandas frame and Plotly Express. The
first page is empty so a benchmark can navigate to the chart as a user does.
"""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st


def start() -> None:
    """An empty page to navigate from."""
    st.title("Start")


def chart() -> None:
    """One line chart of a year of day values."""
    st.title("One chart")
    days = pd.date_range("2026-01-01", periods=365, freq="D")
    values = 4 + np.sin(np.arange(365) / 20) + np.random.default_rng(0).normal(0, 0.5, 365)
    frame = pd.DataFrame({"day": days, "fatigue": values})
    st.plotly_chart(px.line(frame, x="day", y="fatigue"), key="chart")


st.set_page_config(page_title="bare chart", layout="wide")
st.navigation(
    [
        st.Page(start, title="Start", url_path="start", default=True),
        st.Page(chart, title="Chart", url_path="chart"),
    ]
).run()
