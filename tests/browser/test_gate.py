"""The passcode gate in a real Chromium: one page guesses the passcode over and over while the facilitator,
in a page of their own on the same computer, unlocks editing, and then sees what the other page tried."""

from __future__ import annotations

import re
import time

import pytest

from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

PASSCODE = "tea-and-biscuits"


@pytest.fixture(scope="module")
def gate_server(tmp_path_factory, streamlit_server) -> str:
    """A server of its own, so its gate has seen no other test's tries."""
    data_dir = tmp_path_factory.mktemp("gate-data")
    save_dataset(data_dir, load_dataset(DATA_DIR))
    return streamlit_server(script="app.py", env={"KG_DATA_DIR": str(data_dir), "KG_EDIT_PASSCODE": PASSCODE})


def _passcode_box(page, url: str):
    page.goto(url)
    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar starts closed
    page.get_by_text("Facilitator editing").click()
    box = page.get_by_role("textbox", name="Facilitator passcode")
    box.wait_for(timeout=60000)
    return box


def _try(page, box, passcode: str) -> str:
    """Type a passcode, press Unlock, and return what the page then says."""
    box.fill(passcode)
    page.get_by_role("button", name="Unlock editing").click()
    said = page.get_by_text(re.compile(r"Editing stays locked")).first
    said.wait_for(timeout=20000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=password]')].every(i => i.value === '')", timeout=20000
    )
    return said.inner_text()


def test_a_page_guessing_the_passcode_does_not_keep_the_facilitator_out(browser, gate_server, artifacts):
    guesser = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    facilitator = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        box = _passcode_box(guesser, gate_server)
        said = [_try(guesser, box, f"guess-{n}") for n in range(12)]  # as fast as the page takes them
        assert said[0] == "That passcode is not right. Editing stays locked."
        assert any(line.startswith("Too many wrong passcodes on this page.") for line in said)
        guesser.screenshot(path=artifacts / "gate-guessing-page.png")

        # The facilitator opens the app in a fresh page while the guessing goes on.
        theirs = _passcode_box(facilitator, gate_server)
        _try(guesser, box, "guess-12")
        theirs.fill(PASSCODE)
        started = time.monotonic()
        facilitator.get_by_role("button", name="Unlock editing").click()
        _try(guesser, box, "guess-13")
        facilitator.get_by_role("tab", name="Edit", selected=True).wait_for(timeout=15000)
        took = time.monotonic() - started
        assert facilitator.get_by_role("button", name="Lock editing").count() == 1

        # What happened, for the facilitator: when, from where, which page; never what was typed.
        facilitator.get_by_text(re.compile(r"^Passcode attempts: \d+ wrong")).click()
        facilitator.get_by_text("The latest tries at the passcode").wait_for(timeout=10000)
        facilitator.screenshot(path=artifacts / "gate-facilitator-unlocked.png")
        label = facilitator.get_by_text(re.compile(r"^Passcode attempts: \d+ wrong")).inner_text()
        assert int(re.search(r"(\d+) wrong", label).group(1)) >= 5
        assert "guess-" not in facilitator.content() and PASSCODE not in facilitator.content()
        # Still held back on the guessing page, even now.
        assert _try(guesser, box, PASSCODE).startswith("Too many wrong passcodes on this page.")
        print(f"the facilitator was in {took:.1f} s after pressing Unlock")
    finally:
        guesser.context.close()
        facilitator.context.close()
