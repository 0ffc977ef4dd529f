"""Plotly figure builders: plain functions, frames in, go.Figure out, no Streamlit calls."""
