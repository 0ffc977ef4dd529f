"""A second, smaller yardstick for memory: one Plotly chart from numpy, no pandas at all."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="minimal chart", layout="wide")
st.title("One chart")
days = np.arange(365)
values = 4 + np.sin(days / 20) + np.random.default_rng(0).normal(0, 0.5, days.size)
st.plotly_chart(go.Figure(go.Scatter(x=days, y=values, mode="lines")), key="chart")
