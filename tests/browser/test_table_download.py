"""The Table tab's downloads in a real Chromium, on data whose every label starts a formula: the table has no
built-in "Download as CSV" (it would write the labels as they are), and its own CSVs hold no live formula."""

from __future__ import annotations

import pytest

from graph.data.store import save_dataset
from tests.test_no_formulas import defused_in_csv, formula_dataset, live_in_csv

pytestmark = pytest.mark.browser


def test_the_table_tab_downloads_csvs_without_a_live_formula(page, streamlit_server, tmp_path, artifacts):
    data_dir = tmp_path / "formula-data"
    data_dir.mkdir()
    save_dataset(data_dir, formula_dataset())
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": str(data_dir)})
    page.goto(url + "/?tab=table")
    nodes_button = page.get_by_role("button", name="Nodes as CSV")
    nodes_button.wait_for(timeout=60000)

    # The grid's own toolbar offers no download: hover the table, as a person would to find it.
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    page.wait_for_timeout(500)
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    page.screenshot(path=artifacts / "table-tab-downloads.png")

    for name, button in (("nodes", nodes_button), ("links", page.get_by_role("button", name="Links as CSV"))):
        with page.expect_download(timeout=60000) as download:
            button.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == f"knowledge-graph-table-{name}.csv"
        body = path.read_bytes()
        assert live_in_csv(body) == [] and defused_in_csv(body) > 100
