"""The benchmark's baseline for a page that follows the data: a hello-world page with a fragment that
runs as often as the app's check (``KG_BENCH_EVERY`` seconds) and does nothing: what Streamlit itself
costs for such a page, left open."""

import os

import streamlit as st

st.write("Hello, world")


@st.fragment(run_every=float(os.environ.get("KG_BENCH_EVERY", "0.5")))
def look() -> None:
    """Nothing to look at: the cost of the timer alone."""


look()
