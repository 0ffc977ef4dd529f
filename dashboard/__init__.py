"""The Streamlit dashboard, figure builders, packet rendering and the `tightrope` command."""
