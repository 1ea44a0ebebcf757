"""Every open page follows the data, and a page where nothing changes runs nothing on the server.

The server publishes a token of the data's version (and of the change log: a session begun, a
scene saved) as a small file under ``static/live/``: one watcher thread per store and server
process, a few file stats every 0.1 s, the file rewritten only when something changed. Each open
page fetches that file every half second (Streamlit serves it as a static file: no script run)
and asks for a rerun only when the token differs from the one it was drawn with; the rerun keeps
the page's view, selection and scene.

Why not a fragment on a timer: each timer run is a Streamlit run that carries the page's widget
values as the browser last knew them, so one that arrives just after a callback changed a value
(a field cleared after "Add node", the node it selected) puts the old value back; and it costs
the server a script run per page every half second. Where the token cannot be published (a
read-only install, static serving off), ``ui.explorer.follow`` does that instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from graph.data import files
from graph.data.journal import CHANGELOG_FILE
from graph.data.stores import Handle, Store
from ui import data

LOG = logging.getLogger(__name__)
LIVE_DIR = data.ROOT / "static" / "live"
LIVE_URL = "./app/static/live/"
#: How often an open page looks at the token, and how often the server's watcher looks at the store.
LOOK_MS = 500
WATCH_SECONDS = 0.1
#: How often the watcher looks while the store cannot be read (a database that went away).
FAILING_SECONDS = 2.0

_JS = r"""
export default function (component) {
  const raw = component.data;
  const data = typeof raw === "string" ? JSON.parse(raw)
    : (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) ? JSON.parse(new TextDecoder().decode(raw)) : raw;
  const url = new URL(data.url, document.baseURI).href;
  let asked = null;
  let stopped = false;
  const look = async () => {
    try {
      const answer = await fetch(url + "?t=" + Date.now(), { cache: "no-store" });
      if (stopped || !answer.ok) return;
      const token = (await answer.text()).trim();
      if (token && token !== data.token && token !== asked) {
        asked = token;  // once per change: the rerun brings this page the new token
        component.setTriggerValue("changed", token);
      }
    } catch (error) { /* the server is restarting: look again next time */ }
  };
  const timer = setInterval(look, data.every);
  window.kgLive = { token: data.token, url: url };
  return () => { stopped = true; clearInterval(timer); };
}
"""

_component = st.components.v2.component("kg_live", html="", js=_JS)


def token_of(version: str, stamp: tuple) -> str:
    """What a page compares: the data's version and the change log's mark (from ``data.log_stamp``:
    the log file's stamp in a data folder, the scenes' version in a database)."""
    log = [part for part in stamp if not isinstance(part, tuple) or (part and part[0] == CHANGELOG_FILE)]
    return hashlib.sha256(f"{version}|{log}".encode()).hexdigest()[:20]


@dataclass
class Watcher:
    """Publishes a store's token as a static file, from a thread of its own."""

    where: Store
    path: Path
    ok: bool = True
    _last: object = field(default=None, repr=False)

    def start(self) -> Watcher:
        try:
            self.publish()
        except OSError as error:  # a read-only install: the pages look with a fragment instead
            LOG.warning("cannot publish the data's version in %s (%s); pages will poll the server", self.path, error)
            self.ok = False
            return self
        threading.Thread(target=self._run, name=f"kg-live-{self.path.stem}", daemon=True).start()
        return self

    def _run(self) -> None:
        failing = False
        while True:
            time.sleep(WATCH_SECONDS if not failing else FAILING_SECONDS)
            try:
                self.publish()
            except Exception as error:  # keep watching: the next look may succeed
                if not failing:  # once per spell of failures, not ten times a second
                    LOG.warning("watching the data failed (%s); looking again every %g s", error, FAILING_SECONDS)
                failing = True
            else:
                failing = False

    def publish(self) -> None:
        """Write the token if the store changed since the last look."""
        stamp = data.log_stamp(self.where)  # a few file stats, or two single-row queries
        if stamp == self._last and self.path.exists():
            return
        version = self.where.version()
        token = token_of(version, stamp)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        files.write_text_atomic(self.path, token + "\n")
        self._last = stamp


@st.cache_resource(show_spinner=False)
def watcher(where: Store) -> Watcher:
    """The one watcher of a store in this server process (started on the first page that asks)."""
    name = hashlib.sha256(where.describe().encode()).hexdigest()[:16]
    return Watcher(where, LIVE_DIR / f"{name}.txt").start()


def page_token(handle: Handle) -> str:
    return token_of(handle.version, data.log_stamp(handle.store))


def follow_page(handle: Handle, fallback) -> None:
    """Mount the page's look at the token (nothing on the page shows); ``fallback`` (the fragment on a
    timer) when the token cannot be published or served."""
    found = watcher(handle.store)
    if not found.ok or not st.get_option("server.enableStaticServing"):
        fallback(handle)
        return
    payload = {"url": LIVE_URL + found.path.name, "token": page_token(handle), "every": LOOK_MS}
    _component(
        key="kg-live",
        data=json.dumps(payload).encode("utf-8"),
        default={"changed": None},
        height="content",
        on_changed_change=_rerun,
    )


def _rerun() -> None:
    """The data changed: the app runs again (a component's trigger reruns the whole page). The page asked
    for it, not a person: the widget values it sent may be older than what the server last set."""
    from ui import state

    state.followed_the_data()
