"""Streamlit pieces of the explorer that are bigger than a few widgets (editing, workshop mode).

They sit outside the ``graph`` package because they import streamlit; ``app.py`` composes them.
"""
