"""Outside knowledge shown apart, in the app in Chromium: the Overlaps tab with its test against
chance, the details of a link from outside the report, a path with an outside step, and the
briefing downloaded from the Export menu. Screenshots go to artifacts/."""

from __future__ import annotations

import pytest

from graph.analysis.briefing import MAX_WORDS, words

pytestmark = pytest.mark.browser

DRAWN_JS = "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0"


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(script="app.py")


def _open(page, url: str) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=90_000)


def test_overlaps_tab_shows_chance_and_what_rests_outside_the_report(page, app_url, artifacts):
    _open(page, f"{app_url}/?tab=overlaps&overlap=initiative:frontline-programme,initiative:step-up")
    why = page.locator(".st-key-kg-overlap-why")
    why.wait_for(timeout=60_000)
    text = why.inner_text()
    assert "Frontline ↔ Step Up" in text and "(weak)" in text
    assert "No more than chance explains" in text and "q = 1" in text
    assert "from outside the report" in text and "Frontline's own website" in text
    page.get_by_text("What the report says about duplication").click()
    page.get_by_text("numerous existing sources of evidence").first.wait_for(timeout=30_000)
    why.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "outside-overlaps.png"), full_page=True)
    assert not page.blocked_requests


def test_details_of_an_external_link_name_its_source(page, app_url, artifacts):
    _open(page, f"{app_url}/?focus=initiative:step-up")
    page.get_by_text("works on (1)").click()
    body = page.locator("body")
    page.get_by_text("Source (not the report)").wait_for(timeout=30_000)
    text = body.inner_text()
    assert "from outside the report" in text and "'Step Up to Social Work' (GOV.UK guidance page)" in text
    assert "1 stated in the report, 1 from outside the report" in text
    page.screenshot(path=str(artifacts / "outside-details.png"), full_page=True)


def test_a_path_with_an_outside_step_says_so(page, app_url, artifacts):
    _open(
        page,
        f"{app_url}/?tab=paths&from=strand:event-coventry&to=organisation:social-work-england"
        "&avoid=organisation:what-works-centre",
    )
    page.get_by_text("(outside the report)").first.wait_for(timeout=60_000)
    assert "without going through What Works Centre" in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "outside-path.png"), full_page=True)


def test_the_briefing_downloads_from_the_export_menu(page, app_url, artifacts):
    _open(page, app_url)
    page.get_by_role("button", name="Export").click()
    page.get_by_role("combobox", name="Export").click()
    page.get_by_role("option", name="Briefing for a director (web page to print)").click()
    # choosing a format reruns the app; until then the button still holds the previous format
    for _ in range(20):
        page.wait_for_timeout(1500)
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download", exact=True).click()
        if info.value.suggested_filename == "knowledge-graph-briefing.html":
            break
    assert info.value.suggested_filename == "knowledge-graph-briefing.html"
    path = artifacts / "knowledge-graph-briefing.html"
    info.value.save_as(str(path))
    page.goto(path.as_uri())
    text = page.locator("main").inner_text()
    assert text.startswith("What the sector told the What Works Centre")
    assert "Nearly 300 stakeholders" in text and "Next steps" in text and words(text) <= MAX_WORDS
    page.screenshot(path=str(artifacts / "briefing-page.png"), full_page=True)
