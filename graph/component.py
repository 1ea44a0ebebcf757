"""The Streamlit component that draws a vis-network payload and reports the clicked node.

A bidirectional ``st.components.v2`` component with no frontend build. vis-network itself
is served by Streamlit's static file serving (``static/vis-network.min.js``, turned on in
``.streamlit/config.toml``), so it is fetched once per browser session and never travels
over the websocket. The component keeps one network per mount and updates it in place
when the payload changes, so the zoom and pan survive reruns.

State: ``selected`` (the clicked node's id, or None after a click on empty canvas).
Read it from the return value of ``graph_view``, or as ``st.session_state[key]["selected"]``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import streamlit as st

#: Where the browser loads vis-network from (relative to the app's page; Streamlit serves
#: the ``static/`` folder beside the app's main script at ``app/static/``).
VIS_NETWORK_URL = "./app/static/vis-network.min.js"

_NAME = "kg_graph_view"

_HTML = """
<div class="kg-root">
  <div class="kg-toolbar" role="toolbar" aria-label="Graph view">
    <button type="button" class="kg-fit">Fit to view</button>
    <button type="button" class="kg-physics" aria-pressed="false">Let nodes move</button>
    <button type="button" class="kg-png">Download PNG</button>
    <span class="kg-status" role="status" aria-live="polite"></span>
  </div>
  <div class="kg-canvas"></div>
</div>
"""

_CSS = """
.kg-root { display: flex; flex-direction: column; width: 100%; box-sizing: border-box;
  border: 1px solid #d0d0d0; border-radius: 0.4rem; background: #ffffff; color: #222222;
  font-family: var(--st-font, sans-serif); }
.kg-toolbar { display: flex; gap: 0.4rem; align-items: center; padding: 0.3rem 0.4rem;
  border-bottom: 1px solid #e4e4e4; flex: 0 0 auto; }
.kg-toolbar button { font: inherit; font-size: 0.85rem; padding: 0.2rem 0.6rem; cursor: pointer;
  border: 1px solid #b0b0b0; border-radius: 0.3rem; background: #f6f6f6; color: #222222; }
.kg-toolbar button:hover { background: #ebebeb; }
.kg-toolbar button:focus-visible { outline: 3px solid #332288; outline-offset: 1px; }
.kg-toolbar button[aria-pressed="true"] { background: #332288; color: #ffffff; border-color: #332288; }
.kg-status { font-size: 0.85rem; color: #555555; margin-left: auto; }
.kg-canvas { flex: 1 1 auto; min-height: 0; position: relative; }
.kg-canvas:focus-visible, .kg-canvas .vis-network:focus-visible { outline: 3px solid #332288; }
.kg-error { padding: 1rem; color: #882255; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 0.4rem 0.55rem; white-space: pre-wrap;
  max-width: 26rem; font-family: var(--st-font, sans-serif); font-size: 0.85rem; color: #222222;
  background: #fffff4; border: 1px solid #808074; border-radius: 0.25rem;
  box-shadow: 2px 2px 8px rgba(0, 0, 0, 0.2); pointer-events: none; z-index: 5; }
"""

# One network per mount (keyed by the mount's parent element). The function runs again
# whenever `data` changes; it then updates the existing network instead of making another.
_JS = r"""
const views = new WeakMap();

function loadVis(url) {
  if (window.vis && window.vis.Network) return Promise.resolve(window.vis);
  if (!window.__kgVisLoading) {
    window.__kgVisLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => (window.vis && window.vis.Network ? resolve(window.vis) : reject(new Error("no vis")));
      script.onerror = () => reject(new Error("could not load " + url));
      document.head.appendChild(script);
    }).catch((error) => { window.__kgVisLoading = null; throw error; });
  }
  return window.__kgVisLoading;
}

function byId(items) {
  const map = new Map();
  for (const item of items) map.set(item.id, JSON.stringify(item));
  return map;
}

function sync(dataset, seen, items) {
  const next = byId(items);
  const gone = [...seen.keys()].filter((id) => !next.has(id));
  const changed = items.filter((item) => seen.has(item.id) && seen.get(item.id) !== next.get(item.id));
  const added = items.filter((item) => !seen.has(item.id));
  dataset.remove(gone.concat(changed.map((item) => item.id)));
  dataset.add(changed.concat(added));
  return next;
}

function withPhysics(options, on) {
  return Object.assign({}, options, { physics: Object.assign({}, options.physics || {}, { enabled: on }) });
}

function showSelection(view, selected, move) {
  const network = view.network;
  if (selected && view.nodes.get(selected)) {
    network.selectNodes([selected]);
    if (move) {
      const at = network.getPositions([selected])[selected];
      const dom = network.canvasToDOM(at);
      const box = view.canvas.getBoundingClientRect();
      if (dom.x < 0 || dom.y < 0 || dom.x > box.width || dom.y > box.height) {
        network.moveTo({ position: at, scale: network.getScale(), animation: { duration: 300 } });
      }
    }
  } else {
    network.unselectAll();
  }
  view.selected = selected || null;
}

function downloadPng(view, name) {
  const source = view.canvas.querySelector("canvas");
  if (!source) return;
  const copy = document.createElement("canvas");
  copy.width = source.width;
  copy.height = source.height;
  const context = copy.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, copy.width, copy.height);
  context.drawImage(source, 0, 0);
  const link = document.createElement("a");
  link.href = copy.toDataURL("image/png");
  link.download = name;
  link.click();
}

function create(view, vis, data, setStateValue) {
  const root = view.root;
  view.nodes = new vis.DataSet(data.payload.nodes);
  view.edges = new vis.DataSet(data.payload.edges);
  view.seenNodes = byId(data.payload.nodes);
  view.seenEdges = byId(data.payload.edges);
  view.physics = false;
  view.optionsJson = JSON.stringify(data.payload.options);
  const network = new vis.Network(view.canvas, { nodes: view.nodes, edges: view.edges },
    withPhysics(data.payload.options, false));
  view.network = network;
  const frame = view.canvas.querySelector(".vis-network");
  if (frame) { frame.setAttribute("role", "img"); frame.setAttribute("aria-label", data.label); }
  network.on("click", (params) => {
    const selected = params.nodes.length ? String(params.nodes[0]) : null;
    if (selected === view.selected) return;
    view.selected = selected;
    setStateValue("selected", selected);
  });
  root.querySelector(".kg-fit").onclick = () => network.fit({ animation: { duration: 300 } });
  const physics = root.querySelector(".kg-physics");
  physics.onclick = () => {
    view.physics = !view.physics;
    physics.setAttribute("aria-pressed", String(view.physics));
    network.setOptions({ physics: { enabled: view.physics } });
  };
  root.querySelector(".kg-png").onclick = () => downloadPng(view, data.png_name);
  view.frame = (data.fit_to || []).filter((id) => view.nodes.get(id));
  const reframe = () => network.fit(view.frame.length ? { nodes: view.frame, maxZoomLevel: 2 } : { maxZoomLevel: 2 });
  network.once("afterDrawing", reframe);  // sizes of labelled nodes are known once drawn
  // Fit again when the drawing area changes size (the page lays out after the first draw,
  // and a projector laptop may change resolution), until someone zooms or drags themselves.
  view.touched = false;
  // Only a person's own zooming or dragging stops the automatic framing (vis-network also
  // reports its own fit animations as "zoom", so that event cannot tell the two apart).
  view.canvas.addEventListener("wheel", () => { view.touched = true; }, { passive: true });
  network.on("dragEnd", () => { view.touched = true; });
  if (window.ResizeObserver) {
    view.resizer = new ResizeObserver(() => { if (!view.touched) reframe(); });
    view.resizer.observe(view.canvas);
  }
}

function sameKeys(a, b) {
  if (a.size !== b.size) return false;
  for (const key of a.keys()) if (!b.has(key)) return false;
  return true;
}

// Returns true when the set of drawn nodes changed (a filter, a scene): the caller reframes.
function update(view, data) {
  const before = view.seenNodes;
  view.seenNodes = sync(view.nodes, view.seenNodes, data.payload.nodes);
  const nodesChanged = !sameKeys(before, view.seenNodes);
  view.seenEdges = sync(view.edges, view.seenEdges, data.payload.edges);
  const optionsJson = JSON.stringify(data.payload.options);
  if (optionsJson !== view.optionsJson) {
    view.optionsJson = optionsJson;
    view.network.setOptions(withPhysics(data.payload.options, view.physics));
  }
  return nodesChanged;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let view = views.get(parentElement);
  if (!view) {
    const root = parentElement.querySelector(".kg-root");
    view = { root, canvas: root.querySelector(".kg-canvas"), status: root.querySelector(".kg-status"), run: 0 };
    views.set(parentElement, view);
  }
  const run = ++view.run;
  view.root.style.height = data.height + "px";
  view.status.textContent = data.payload.nodes.length + " nodes, " + data.payload.edges.length + " links";
  loadVis(new URL(data.library, document.baseURI).href).then((vis) => {
    if (view.run !== run || view.destroyed) return;
    let nodesChanged = false;
    if (!view.network) create(view, vis, data, setStateValue);
    else if (view.fingerprint !== data.fingerprint) nodesChanged = update(view, data);
    view.fingerprint = data.fingerprint;
    // One framing decision per run, so animations never fight: zoom to `fit_to` when it
    // changes (a path, an overlap, a scene), else to everything when the drawn nodes changed.
    const fitJson = JSON.stringify(data.fit_to || []);
    const fitChanged = view.fitJson !== undefined && fitJson !== view.fitJson;
    view.fitJson = fitJson;
    const reframe = fitChanged || nodesChanged;
    if (data.selected !== view.selected || view.shown !== data.fingerprint) showSelection(view, data.selected, !reframe);
    if (reframe) {
      const wanted = (data.fit_to || []).filter((id) => view.nodes.get(id));
      view.frame = wanted;
      view.touched = false;
      // Frame after the next drawing: new nodes only know their size (labels included) once drawn.
      const network = view.network;
      network.once("afterDrawing", () => network.fit(wanted.length
        ? { nodes: wanted, maxZoomLevel: 2, animation: { duration: 500 } }
        : { maxZoomLevel: 2, animation: { duration: 400 } }));
      network.redraw();
    }
    view.shown = data.fingerprint;
    window.kgNetwork = view.network;
    window.kgNetworks = Object.assign(window.kgNetworks || {}, { [data.key]: view.network });
  }).catch((error) => {
    const message = document.createElement("p");
    message.className = "kg-error";
    message.textContent = "The graph could not be drawn (" + error.message + "). Start Streamlit from the "
      + "project folder so that .streamlit/config.toml turns on static file serving.";
    view.canvas.replaceChildren(message);
  });
  return () => {
    if (view.run !== run) return;  // a newer run owns the network
    view.destroyed = true;
    views.delete(parentElement);
    if (view.resizer) view.resizer.disconnect();
    if (view.network) view.network.destroy();
    if (window.kgNetwork === view.network) window.kgNetwork = undefined;
  };
}
"""

_graph_view_component = st.components.v2.component(_NAME, html=_HTML, css=_CSS, js=_JS)


def graph_view(
    payload: dict[str, Any],
    *,
    key: str,
    height: int = 700,
    on_select: Callable[[], None] | None = None,
    fit_to: list[str] | None = None,
) -> str | None:
    """Draw ``payload`` (from ``graph.render.vis_payload``) and return the selected node id.

    Clicking a node selects it (and reruns the app); clicking empty canvas clears the
    selection. ``on_select`` is called, with no arguments, when the selection changes.
    To select a node from elsewhere (e.g. a select box), call ``select_node(key, node_id)``
    in that widget's callback; the drawing then selects it too and pans to it if needed.
    When ``fit_to`` changes, the view zooms to those nodes (or, when it becomes empty, back
    to the whole drawing), so a path, an overlap or a scene comes into frame.
    """
    selected = selected_node(key)
    data = {
        "payload": payload,
        "fingerprint": _fingerprint(payload),
        "selected": selected,
        "height": int(height),
        "key": key,
        "library": VIS_NETWORK_URL,
        "label": f"Graph drawing of {len(payload.get('nodes', []))} nodes. "
        "To choose a node with the keyboard, use the node list beside it.",
        "png_name": f"{key}.png",
        "fit_to": sorted(fit_to or []),
    }
    if not st.get_option("server.enableStaticServing"):
        st.warning(
            "Static file serving is off, so the graph cannot load its drawing library. "
            "Start Streamlit from the project folder (its .streamlit/config.toml turns it on)."
        )
    result = _graph_view_component(
        key=key,
        data=data,
        default={"selected": None},
        height=int(height),
        on_selected_change=on_select or _ignore,
    )
    value = result.get("selected")
    return str(value) if value is not None else None


def selected_node(key: str) -> str | None:
    """The node currently selected in the graph view mounted with ``key`` (None if none)."""
    state = st.session_state.get(key)
    value = state.get("selected") if isinstance(state, dict) else None
    return str(value) if value is not None else None


def select_node(key: str, node_id: str | None) -> None:
    """Select ``node_id`` in the graph view ``key`` from Python. Call it before the view is
    drawn in this run (e.g. in a widget callback); Streamlit forbids it afterwards."""
    state = st.session_state.get(key)
    if isinstance(state, dict):
        state["selected"] = node_id
    else:
        st.session_state[key] = {"selected": node_id}


_FINGERPRINTS: dict[int, tuple[dict[str, Any], str]] = {}


def _fingerprint(payload: dict[str, Any]) -> str:
    # A cached payload is the same object rerun after rerun: hash it once, not on every rerun.
    known = _FINGERPRINTS.get(id(payload))
    if known is not None and known[0] is payload:
        return known[1]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if len(_FINGERPRINTS) > 16:
        _FINGERPRINTS.clear()
    _FINGERPRINTS[id(payload)] = (payload, digest)
    return digest


def _ignore() -> None:
    """Streamlit keeps a component state value only if it has a change callback."""
