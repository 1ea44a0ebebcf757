"""The app on the hub: the explorer reads a PostgreSQL database (KG_DATABASE_URL) as it reads the
data folder, follows its changes, and never shows the connection string (AppTest, no browser)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from graph.data import edit
from graph.data.postgres import PgStore
from graph.data.store import load_dataset
from graph.data.stores import configured_store
from tests.conftest import DATA_DIR, ROOT

APP = str(ROOT / "app.py")


def _texts(at: AppTest) -> str:
    """Everything the page holds, as text (every element's message)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def _shown(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Showing"))


def test_the_app_draws_the_graph_from_the_database_and_sees_a_change_saved_elsewhere(database_url, monkeypatch):
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    hub = configured_store()
    hub.install(*_folder_contents(), replace=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception and not at.error
    shipped = load_dataset(DATA_DIR)
    nodes, links = len(shipped.nodes), len(shipped.edges)
    assert _shown(at).startswith(f"Showing **{nodes}** of {nodes} nodes and **{links}** links")

    # a change saved through another server (here: this process, as the command line would)
    topic = {"id": "topic:from-the-hub", "type": "topic", "label": "From the hub", "refs": ["2"]}
    edit.add_node(PgStore.from_url(database_url), topic, editor="Sam", expected_version=hub.version())
    at.run()
    assert _shown(at).startswith(f"Showing **{nodes + 1}** of {nodes + 1} nodes")


def _folder_contents():
    from graph.data.folder import FolderStore
    from graph.data.transfer import contents_of

    contents = contents_of(FolderStore(DATA_DIR))
    return contents.dataset, contents.scenes_text, contents.entries


def test_a_refused_password_is_one_line_on_the_page_without_the_password(database_url, pg_server, monkeypatch):
    secret = "Sw0rdfish-never-shown"
    name = database_url.rsplit("/", 1)[1]
    monkeypatch.setenv("KG_DATABASE_URL", pg_server.url(name, password=secret))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert error.value.replace("\\", "") == (  # shown as text: markdown's characters are escaped
        f"Cannot use the PostgreSQL database {name} on 127.0.0.1:{pg_server.port}: the user name or password was "
        "refused; check KG_DATABASE_URL (and PGPASSWORD or ~/.pgpass)."
    )
    page = _texts(at)
    assert "Cannot use the PostgreSQL database" in page  # the page text was read
    assert secret not in page and "postgresql://" not in page
