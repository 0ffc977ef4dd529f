"""The yardstick for page speed: a bare Streamlit page that draws one Plotly chart."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare chart", layout="wide")
st.title("One chart")
days = np.arange(365)
values = 4 + np.sin(days / 20) + np.random.default_rng(0).normal(0, 0.5, days.size)
figure = go.Figure(go.Scatter(x=days, y=values, mode="lines", name="fatigue"))
st.plotly_chart(figure, key="chart")
