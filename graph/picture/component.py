"""The Streamlit component that draws the graph and reports the clicked node.

Two ``st.components.v2`` components with no frontend build:

- a *payload carrier* whose data is the view's drawing (nodes, edges, styles) and nothing
  else. Streamlit hashes every element it sends and, for one the browser has already seen
  (``global.minCachedMessageSize``, 10 KB), sends a reference instead of the bytes, so an
  unchanged drawing costs a few bytes per rerun, however large it is;
- the *drawing*, whose data is small: which payload to draw, the highlight, the selection,
  the height. A click or a change of highlight re-sends only that; the browser restyles the
  existing network in place (no rebuild) and moves the view to the focus.

vis-network and the drawing code (``static/vis-network.min.js``, ``static/kg-draw.js``) are
served by Streamlit's static file serving (turned on in ``.streamlit/config.toml``), so they
are fetched once per browser session and never travel over the websocket.

State: ``selected`` (the clicked node's id, or None after a click on empty canvas).
Read it from the return value of ``graph_view``, or as ``st.session_state[key]["selected"]``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st

from graph.picture.render import highlight_edge_ids
from graph.picture.style import PRESENTATION_SCALE

#: Where the browser loads vis-network and the drawing code from (relative to the app's
#: page; Streamlit serves the ``static/`` folder beside the app's main script at ``app/static/``).
VIS_NETWORK_URL = "./app/static/vis-network.min.js"
DRAWING_URL = "./app/static/kg-draw.js"
#: The drawing's parts, loaded after it: each adds its methods to the drawing (name -> where).
DRAWING_PARTS = {"labels": "./app/static/kg-labels.js", "marks": "./app/static/kg-marks.js"}

_NAME = "kg_graph_view"
_PAYLOAD_NAME = "kg_graph_payload"

_HTML = """
<div class="kg-root">
  <div class="kg-toolbar" role="toolbar" aria-label="Graph view">
    <button type="button" class="kg-fit">Fit to view</button>
    <button type="button" class="kg-full" aria-pressed="false">Full screen</button>
    <button type="button" class="kg-png">Download PNG</button>
    <span class="kg-status" role="status" aria-live="polite"></span>
  </div>
  <div class="kg-canvas"></div>
  <div class="kg-key-row"></div>
</div>
"""

_CSS = """
.kg-root { display: flex; flex-direction: column; width: 100%; box-sizing: border-box;
  border: 1px solid #d0d0d0; border-radius: 0.4rem; background: #ffffff; color: #222222;
  font-family: var(--st-font, sans-serif); }
.kg-root:fullscreen { height: 100vh !important; border: 0; border-radius: 0; }
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
.kg-key-row { flex: 0 0 auto; border-top: 1px solid #e4e4e4; padding: 0.25rem 0.5rem; }
.kg-key { display: flex; flex-wrap: wrap; gap: 0.15rem 1rem; margin: 0; padding: 0; list-style: none;
  font-size: 0.85rem; color: #111111; }
.kg-presentation .kg-key { font-size: clamp(0.95rem, 2.1vh, 2.8rem); }
.kg-presentation .kg-toolbar button, .kg-presentation .kg-status { font-size: clamp(0.85rem, 1.5vh, 2rem); }
.kg-key li { display: flex; align-items: center; gap: 0.35rem; }
.kg-key svg { width: 1.05em; height: 1.05em; flex: 0 0 auto; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 0.4rem 0.55rem; white-space: pre-wrap;
  max-width: 26rem; font-family: var(--st-font, sans-serif); font-size: 0.85rem; color: #222222;
  background: #fffff4; border: 1px solid #808074; border-radius: 0.25rem;
  box-shadow: 2px 2px 8px rgba(0, 0, 0, 0.2); pointer-events: none; z-index: 5; }
"""

# Payloads by fingerprint, shared by the carrier (which puts) and the drawing (which waits).
_STORE_JS = r"""
function payloadStore() {
  if (!window.__kgPayloads) window.__kgPayloads = { items: new Map(), waiters: new Map() };
  return window.__kgPayloads;
}
"""

# The data comes as JSON bytes (see ``_as_bytes``); older callers' plain objects are taken as they are.
_DECODE_JS = r"""
function decoded(data) {
  if (data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(new Uint8Array(data)));
  if (ArrayBuffer.isView(data)) return JSON.parse(new TextDecoder().decode(data));
  if (typeof data === "string") return JSON.parse(data);
  return data;
}
"""

_PAYLOAD_JS = (
    _STORE_JS
    + _DECODE_JS
    + r"""
export default function (component) {
  const data = decoded(component.data);
  const store = payloadStore();
  store.items.delete(data.id);
  store.items.set(data.id, data.payload);
  while (store.items.size > 8) store.items.delete(store.items.keys().next().value);
  for (const resolve of store.waiters.get(data.id) || []) resolve(data.payload);
  store.waiters.delete(data.id);
}
"""
)

# One drawing per mount (keyed by the mount's parent element). The function runs again
# whenever `data` changes (a click, a highlight, another payload); it then updates the
# existing drawing in place instead of making another.
_JS = (
    _STORE_JS
    + _DECODE_JS
    + r"""
const views = new WeakMap();

function waitForPayload(id) {
  const store = payloadStore();
  if (store.items.has(id)) return Promise.resolve(store.items.get(id));
  return new Promise((resolve) => {
    if (!store.waiters.has(id)) store.waiters.set(id, []);
    store.waiters.get(id).push(resolve);
  });
}

function loadScript(url, ready) {
  if (ready()) return Promise.resolve();
  window.__kgScripts = window.__kgScripts || {};
  if (!window.__kgScripts[url]) {
    window.__kgScripts[url] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => (ready() ? resolve() : reject(new Error("nothing loaded from " + url)));
      script.onerror = () => reject(new Error("could not load " + url));
      document.head.appendChild(script);
    }).catch((error) => { window.__kgScripts[url] = null; throw error; });
  }
  return window.__kgScripts[url];
}

// The picture as seen, with the key under it (drawn from the same style table).
function downloadPng(view, name, payload) {
  const source = view.canvas.querySelector("canvas");
  if (!source) return;
  const ratio = source.width / Math.max(source.clientWidth, 1);
  const present = new Set(payload.nodes.map((node) => node.type));
  const entries = Object.entries(payload.styles).filter((entry) => present.has(entry[0]));
  const row = 26 * ratio, perRow = Math.max(1, Math.floor(source.width / (230 * ratio)));
  const copy = document.createElement("canvas");
  copy.width = source.width;
  copy.height = source.height + Math.ceil(entries.length / perRow) * row + 10 * ratio;
  const context = copy.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, copy.width, copy.height);
  context.drawImage(source, 0, 0);
  context.font = (14 * ratio) + "px Arial, Helvetica, sans-serif";
  context.textBaseline = "middle";
  entries.forEach((entry, i) => {
    const style = entry[1];
    const x = (i % perRow) * 230 * ratio + 16 * ratio;
    const y = source.height + Math.floor(i / perRow) * row + row / 2 + 5 * ratio;
    context.save();
    context.translate(x, y);
    context.scale(6 * ratio, 6 * ratio);
    const path = new Path2D(payload.shapes[style.shape] || payload.shapes.dot);
    context.fillStyle = style.color;
    context.fill(path);
    context.lineWidth = 0.16;
    context.strokeStyle = style.border;
    context.stroke(path);
    context.restore();
    context.fillStyle = "#111111";
    context.fillText(style.name || entry[0], x + 14 * ratio, y);
  });
  const link = document.createElement("a");
  link.href = copy.toDataURL("image/png");
  link.download = name;
  link.click();
}

function toolbar(view, data) {
  const root = view.root;
  root.querySelector(".kg-fit").onclick = () => { view.drawing.touched = false; view.drawing.frame(true); };
  const full = root.querySelector(".kg-full");
  full.onclick = () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen();
  };
  document.addEventListener("fullscreenchange", () => {
    // Inside a shadow root, the document names the shadow's host; the shadow root names the element.
    const on = (root.getRootNode().fullscreenElement || document.fullscreenElement) === root;
    full.setAttribute("aria-pressed", String(on));
    full.textContent = on ? "Leave full screen" : "Full screen";
  });
  root.querySelector(".kg-png").onclick = () => downloadPng(view, data.png_name, view.payloadData);
}

// The element whose scrolling moves the page (Streamlit's main section), across shadow roots.
function scroller(element) {
  for (let node = element.parentNode || element.host; node; node = node.parentNode || node.host) {
    if (node.nodeType !== 1) continue;
    const overflow = getComputedStyle(node).overflowY;
    if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return node;
  }
  return document.scrollingElement;
}

// The drawing's height: fixed, or (``fill``) what the window leaves below the drawing's top,
// less the room the page needs under it. The browser knows the window; Python does not.
function fitHeight(view) {
  const data = view.sizing;
  if (!data) return;
  let height = data.height;
  if (data.fill) {
    const page = scroller(view.root);
    const top = view.root.getBoundingClientRect().top + (page ? page.scrollTop : 0);
    height = Math.max(data.fill.min, Math.floor(window.innerHeight - top - data.fill.below));
  }
  if (view.root.style.height !== height + "px") view.root.style.height = height + "px";
}

function watchWindow(view) {
  let queued = false;
  const again = () => {
    if (queued || view.destroyed) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; if (!view.destroyed) fitHeight(view); });
  };
  window.addEventListener("resize", again);
  // What is above the drawing can change height (a caption, a notice): the page's content
  // box then changes size too.
  const content = document.querySelector('[data-testid="stMainBlockContainer"]') || document.body;
  const observer = window.ResizeObserver ? new ResizeObserver(again) : null;
  if (observer) observer.observe(content);
  return () => { window.removeEventListener("resize", again); if (observer) observer.disconnect(); };
}

export default function (component) {
  const { parentElement, setStateValue } = component;
  const data = decoded(component.data);
  let view = views.get(parentElement);
  if (!view) {
    const root = parentElement.querySelector(".kg-root");
    view = { root, canvas: root.querySelector(".kg-canvas"), status: root.querySelector(".kg-status"), run: 0 };
    views.set(parentElement, view);
  }
  const run = ++view.run;
  view.sizing = { height: data.height, fill: data.fill };
  fitHeight(view);
  if (!view.unwatch) view.unwatch = watchWindow(view);
  view.status.textContent = data.counts;
  const base = document.baseURI;
  Promise.all([
    loadScript(new URL(data.library, base).href, () => Boolean(window.vis && window.vis.Network)),
    waitForPayload(data.payload),
  ]).then(([, payload]) => loadScript(new URL(data.drawing, base).href, () => Boolean(window.KGDraw))
    .then(() => Promise.all(Object.entries(data.parts).map(([name, part]) =>
      loadScript(new URL(part, base).href, () => window.KGDraw.parts.has(name)))))
    .then(() => payload)).then((payload) => {
    if (view.run !== run || view.destroyed) return;
    let reframe = false;
    view.selected = data.selected;
    if (!view.drawing) {
      view.drawing = window.KGDraw.create(view.canvas, window.vis, payload, {
        key: data.key, presentation: data.presentation,
        onSelect: (id) => {
          if (id === view.selected) return;
          view.selected = id;
          setStateValue("selected", id);
        },
      });
      const frame = view.canvas.querySelector(".vis-network");
      if (frame) { frame.setAttribute("role", "img"); frame.setAttribute("aria-label", data.label); }
      toolbar(view, data);
      reframe = true;
    } else if (view.payload !== data.payload) {
      reframe = view.drawing.setPayload(payload);
    }
    if (view.keyFor !== data.payload) {
      view.root.querySelector(".kg-key-row").replaceChildren(window.KGDraw.buildKey(payload));
      view.keyFor = data.payload;
    }
    view.root.classList.toggle("kg-presentation", Boolean(data.presentation));
    view.payload = data.payload;
    view.payloadData = payload;
    const drawing = view.drawing;
    if (drawing.setPresentation(data.presentation)) reframe = true;
    if (drawing.setHighlight(data.highlight)) reframe = true;
    for (const kind of ["since", "arrived"]) drawing.setMarks(kind, (data.marks || {})[kind]);
    if (reframe) {
      drawing.touched = false;
      drawing.frame(view.framed === true);
      view.framed = true;
    }
    drawing.network.redraw();
    window.kgDrawnAt = performance.now();  // when the drawing last showed what the server sent
    window.kgNetwork = drawing.network;
    window.kgNetworks = Object.assign(window.kgNetworks || {}, { [data.key]: drawing.network });
  }).catch((error) => {
    const message = document.createElement("p");
    message.className = "kg-error";
    message.textContent = "The graph could not be drawn (" + error.message + "). Start Streamlit from the "
      + "project folder so that .streamlit/config.toml turns on static file serving.";
    view.canvas.replaceChildren(message);
  });
  return () => {
    if (view.run !== run) return;  // a newer run owns the drawing
    view.destroyed = true;
    views.delete(parentElement);
    if (view.unwatch) view.unwatch();
    if (view.drawing) {
      if (window.kgNetwork === view.drawing.network) window.kgNetwork = undefined;
      view.drawing.destroy();
    }
  };
}
"""
)

_graph_view_component = st.components.v2.component(_NAME, html=_HTML, css=_CSS, js=_JS)
_payload_component = st.components.v2.component(_PAYLOAD_NAME, html="", js=_PAYLOAD_JS)


def graph_view(
    payload: dict[str, Any],
    *,
    key: str,
    height: int = 700,
    on_select: Callable[[], None] | None = None,
    highlight: Mapping[str, Any] | None = None,
    presentation: bool = False,
    fit_to: Iterable[str] | None = None,
    fill_below: int | None = None,
    marks: Mapping[str, Any] | None = None,
) -> str | None:
    """Draw ``payload`` (from ``graph.picture.render.vis_payload``) and return the selected node id.

    ``highlight`` is ``{"nodes": [ids], "edges": [[source, target, relation], ...],
    "focus": node id or None}``: those stay in colour, the rest fades (and stays clickable),
    and the view moves and zooms to the focus (or the highlighted nodes) and its neighbours.
    A change of highlight restyles the drawing in place; the payload is not sent again.
    ``presentation`` uses the projector's label rules (no label under 18 px).

    ``height`` is the drawing's height in pixels. With ``fill_below``, the drawing instead takes
    the height the browser's window leaves below its top, less ``fill_below`` pixels for what the
    page shows under it, and never less than ``height``; it follows the window when it is resized.

    Clicking a node selects it (and reruns the app); clicking empty canvas clears the
    selection. ``on_select`` is called, with no arguments, when the selection changes.
    To select a node from elsewhere (e.g. a select box), call ``select_node(key, node_id)``
    in that widget's callback.

    ``marks`` rings elements with what happened to them: ``{"since": {...}, "arrived": {...}}``,
    each ``{"stamp", "nodes": {id: "added"|"changed"|"removed"}, "edges": {edge id: status},
    "seconds"}`` (``seconds``: a brief mark, e.g. what just arrived from another page; none: it stays).
    A mark sent again with the same stamp is left as it is.

    Older callers: without ``highlight``, the nodes in ``fit_to`` (or the payload's own
    ``highlight``) are highlighted and the selected node is the focus.
    """
    selected = selected_node(key)
    body, legacy = _split(payload)
    fingerprint = _fingerprint(body)
    if highlight is None:
        lit_nodes = list(legacy.get("nodes") or fit_to or [])
        state = {"nodes": sorted(lit_nodes), "edges": list(legacy.get("edges") or []), "focus": selected}
    else:
        state = {
            "nodes": sorted(str(n) for n in highlight.get("nodes") or []),
            "edges": highlight_edge_ids(highlight.get("edges") or []),
            "focus": highlight.get("focus", selected),
        }
    nodes, edges = len(body.get("nodes", [])), len(body.get("edges", []))
    labels = body.get("options", {}).get("kg", {}).get("labels", {})
    presentation = presentation or labels.get("scale", 1.0) >= PRESENTATION_SCALE
    data = {
        "payload": fingerprint,
        "highlight": state,
        "marks": dict(marks or {}),
        "selected": selected,
        "presentation": bool(presentation),
        "height": int(height),
        "fill": {"below": int(fill_below), "min": int(height)} if fill_below is not None else None,
        "key": key,
        "library": VIS_NETWORK_URL,
        "drawing": DRAWING_URL,
        "parts": DRAWING_PARTS,
        "counts": f"{nodes} nodes, {edges} links",
        "label": f"Graph drawing of {nodes} nodes. To choose a node with the keyboard, use the node list beside it.",
        "png_name": f"{key}.png",
    }
    if not st.get_option("server.enableStaticServing"):
        st.warning(
            "Static file serving is off, so the graph cannot load its drawing library. "
            "Start Streamlit from the project folder (its .streamlit/config.toml turns it on)."
        )
    with st.container(gap=None):
        _payload_component(key=f"{key}-payload", data=_carried(body, fingerprint), height="content")
        result = _graph_view_component(
            key=key,
            data=_as_bytes(data),
            default={"selected": None},
            height="content" if fill_below is not None else int(height),
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
_SPLITS: dict[int, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {}


def _split(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The drawing without an old-style ``highlight`` key, and that highlight (the same
    objects for the same cached payload, so its fingerprint is computed once)."""
    if "highlight" not in payload:
        return payload, {}
    known = _SPLITS.get(id(payload))
    if known is not None and known[0] is payload:
        return known[1], known[2]
    body = {k: v for k, v in payload.items() if k != "highlight"}
    if len(_SPLITS) > 16:
        _SPLITS.clear()
    _SPLITS[id(payload)] = (payload, body, payload["highlight"])
    return body, payload["highlight"]


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


def _as_bytes(data: dict[str, Any]) -> bytes:
    """A component's data as JSON bytes. Given a dict, Streamlit inspects it for data frames, and
    that first look imports pandas and pyarrow (about 0.4 s on the first page); bytes go as they are."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


_CARRIED: dict[int, tuple[dict[str, Any], bytes]] = {}


def _carried(body: dict[str, Any], fingerprint: str) -> bytes:
    """The carrier's data, encoded once per payload (a cached payload is the same object every rerun)."""
    known = _CARRIED.get(id(body))
    if known is not None and known[0] is body:
        return known[1]
    data = _as_bytes({"id": fingerprint, "payload": body})
    if len(_CARRIED) > 16:
        _CARRIED.clear()
    _CARRIED[id(body)] = (body, data)
    return data


def component_data(proto: Any) -> dict[str, Any]:
    """The data a mounted component was given, read from its message (for tests and tools)."""
    if proto.bytes:
        return json.loads(proto.bytes.decode("utf-8"))
    return json.loads(proto.json)


def _ignore() -> None:
    """Streamlit keeps a component state value only if it has a change callback."""
