"""The analysis panels in the app (AppTest, no browser): overlaps with strength and why, agreement
apart, the grouped gap map with totals and downloads, paths that avoid a node."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _app(monkeypatch, tab: str) -> AppTest:
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_overlaps_show_strength_and_why_and_agreement_apart(monkeypatch):
    at = _app(monkeypatch, "Overlaps")
    at.selectbox(key="overlap_type").set_value("initiative").run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["strength", "pair", "p", "q", "rests on", "why", "report"]
    first = table.iloc[0]
    assert (first["strength"], first["pair"], first["rests on"]) == ("weak", "Frontline ↔ Step Up", "1 external, 1 stated")
    assert first["p"] < 0.05 < first["q"]
    assert "Possible duplication" in _text(at)
    assert "Nothing recorded sets them apart" in _text(at)  # the first pair's why, in full
    assert "No more than chance explains" in _text(at) and "outside the report" in _text(at)
    assert "What the report says about duplication" in [e.label.split(" (")[0] for e in at.expander]
    at.selectbox(key="overlap_type").set_value("strand").run()
    assert "Agreement: raising the same things (not duplication)" in _text(at)
    at.selectbox(key="overlap_type").set_value("organisation").run()
    assert any("No pair of organisations shares more than chance explains" in w.value for w in at.warning)


def test_gap_map_is_grouped_with_totals_and_downloads(monkeypatch):
    at = _app(monkeypatch, "Gap map")
    table = at.dataframe[0].value
    frame = table.data if hasattr(table, "data") else table
    assert list(frame.columns) == ["Topic", "CYP", "PI", "Bris.", "Cove.", "Leeds", "London", "AG", "PP", "KS",
                                   "Strands"]  # fmt: skip
    assert frame.iloc[0]["Topic"].startswith("FRONTLINE · Supporting good outcomes")
    assert frame.iloc[-1]["Topic"] == "ALL 79 TOPICS" and frame.iloc[-1]["Strands"] == "138"
    assert "NP" in set(frame["AG"])  # 'Not priority' is its own mark, not a blank
    labels = [b.label for b in at.get("download_button")]
    assert labels[-2:] == ["CSV", "Excel"]  # after the export menu's own


def test_paths_can_avoid_a_node(monkeypatch):
    at = _app(monkeypatch, "Paths")
    at.selectbox(key="path_from").set_value("strand:event-coventry").run()
    at.selectbox(key="path_to").set_value("organisation:social-work-england").run()
    assert "What Works Centre" in _text(at)
    at.multiselect(key="path_avoid").set_value(["organisation:what-works-centre"]).run()
    assert "without going through What Works Centre for Children's Social Care" in _text(at)


def test_about_shows_who_was_heard_and_the_links_by_basis(monkeypatch):
    text = _text(_app(monkeypatch, "About"))
    assert "Nearly 300 stakeholders across the sector: 137 frontline practitioners and managers" in text
    assert "64 local areas actively engaged" in text
    assert "14 from outside the report" in text and "0 " not in text.split("links:")[1][:120]
