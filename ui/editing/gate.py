"""The facilitator's passcode gate in the sidebar: editing controls exist only once it is unlocked."""

from __future__ import annotations

import math
import secrets
import time

import streamlit as st

from graph.data import gate
from ui.editing.common import (
    APP_TAB_KEY,
    CONFLICT,
    EDIT_TAB,
    EDITOR,
    ERRORS,
    FLASH,
    IMPORT_PLAN,
    MINE,
    PASSCODE,
    UNLOCKED,
    WRONG,
    configured_passcode,
    editing_unlocked,
    seal,
)

# The limits on wrong passcodes for every session this server process serves (a module global: one per process).
GATE = gate.PasscodeGate()
_SESSION_TAG = "_kg_gate_session"  # a random name for this browser session in the gate's records


def unlock_controls(handle=None) -> None:
    """The sidebar's facilitator controls: unlock with the passcode; then the editor's name and Lock."""
    if configured_passcode() is None:
        st.caption("Editing is off: no facilitator passcode is configured.")
        return
    if editing_unlocked():
        with st.container(border=True):
            st.markdown("**Editing is unlocked**")
            st.caption("Make changes in the **Edit** tab, after About.")
            st.text_input(
                "Your name",
                key=EDITOR,
                max_chars=100,
                placeholder="e.g. Sam (facilitator)",
                help="Recorded in the change log with every change you save. Required before saving.",
            )
            st.button("Lock editing", key="kg_lock", on_click=_lock)
        _attempts()
        if handle is not None:
            from ui.editing.session import session_controls

            with st.container(border=True):
                session_controls(handle)
        return
    with st.expander("Facilitator editing", expanded=bool(st.session_state.get(WRONG))):
        with st.form("kg_unlock_form", border=False):
            st.text_input("Facilitator passcode", type="password", key=PASSCODE, autocomplete="off")
            st.form_submit_button("Unlock editing", key="kg_unlock", on_click=_unlock)
        wrong = st.session_state.pop(WRONG, None)
        if wrong:
            st.error(_refusal(wrong))


def _unlock() -> None:
    state = st.session_state
    given = state.get(PASSCODE) or ""
    state[PASSCODE] = ""  # the passcode is never kept, shown again or logged
    configured = configured_passcode()
    session = state.setdefault(_SESSION_TAG, secrets.token_hex(3))
    answer = GATE.attempt(given, configured, session=session, address=_client_address())
    if configured is not None and answer.opened:
        state[UNLOCKED] = seal(configured)
        state[APP_TAB_KEY] = EDIT_TAB  # shown at once unless this browser has already picked a tab
    else:
        state[WRONG] = answer


def _client_address() -> str | None:
    """The browser's network address as Streamlit reports it (None: on this computer, or not known)."""
    try:
        address = st.context.ip_address
    except Exception:  # outside a browser session (a test harness): the gate counts it as this computer
        return None
    return address if isinstance(address, str) else None


_HELD_BY = {
    gate.SESSION: "Too many wrong passcodes on this page.",
    gate.ADDRESS: "Too many wrong passcodes from this network address.",
    gate.SERVER: "Too many wrong passcodes on this server.",
}


def _refusal(answer: gate.GateAnswer) -> str:
    if not answer.wait:
        return "That passcode is not right. Editing stays locked."
    wait = math.ceil(answer.wait)
    when = f"{math.ceil(wait / 60)} minutes" if wait > 90 else f"{wait} second{'s' if wait != 1 else ''}"
    first = _HELD_BY[answer.limit] if answer.refused_unchecked else "That passcode is not right."
    return f"{first} Editing stays locked; the next try is taken in {when}."


_OUTCOMES = {"opened": "unlocked", "wrong": "wrong passcode", "refused": "held back, not checked"}


def _attempts() -> None:
    """For a facilitator: the tries at the passcode since the server started (who and when, never what)."""
    tries = GATE.attempts()
    wrong = GATE.wrong_total
    own = st.session_state.get(_SESSION_TAG)
    if not wrong:
        st.caption("No wrong passcode has been tried since the server started.")
        return
    with st.expander(f"Passcode attempts: {wrong} wrong", icon=":material/shield:"):
        st.caption("The latest tries at the passcode on this server (the passcodes tried are never kept).")
        rows = [
            {
                "time": time.strftime("%H:%M:%S", time.localtime(attempt.time)),
                "what": _OUTCOMES[attempt.outcome] + (f" ×{attempt.count}" if attempt.count > 1 else ""),
                "page": "this page" if attempt.session == own else attempt.session,
                "from": attempt.address,
            }
            for attempt in reversed(tries)
        ]
        st.dataframe(rows, hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 250))


def _lock() -> None:
    state = st.session_state
    for key in (UNLOCKED, FLASH, MINE, ERRORS, CONFLICT, IMPORT_PLAN):
        state.pop(key, None)
