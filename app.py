"""The explorer: ``streamlit run app.py``. ``KG_DATA_DIR`` points it at another data directory.

This file only composes: the page lives in ``ui/`` (one module per panel), the session state and
the URL in ``ui/state.py``, and everything the page shows is computed by ``graph.*``.
"""

import streamlit as st

st.set_page_config(
    page_title="Children's social care knowledge graph",
    page_icon="🕸️",
    layout="wide",
    initial_sidebar_state="collapsed",
    menu_items={"Get help": None, "Report a bug": None, "About": None},
)

from ui.explorer import main  # noqa: E402  (the page's configuration comes first)

main()
