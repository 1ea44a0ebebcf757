"""The benchmark's hello-world app: the smallest Streamlit page, for the round trip and the first open.

A line of text (what the first open waits for) and a button that shows a new heading on every
click (what the round trip waits for).
"""

import streamlit as st

st.write("Hello, world")
if st.button("Say hello"):
    st.session_state["hellos"] = st.session_state.get("hellos", 0) + 1
if st.session_state.get("hellos"):
    st.subheader(f"Hello {st.session_state['hellos']}", anchor=False)
