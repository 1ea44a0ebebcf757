/* The knowledge graph's drawing, shared by the app's component and the standalone web page.
 *
 * vis-network pans, zooms, hit-tests and draws the edges; this file draws what it cannot:
 * - every node's shape from the one style table (graph/picture/style.py), as a vis "custom" shape,
 *   so the key, the page, the picture and the screen agree;
 * - the labels, on each redraw, in screen pixels: a label is drawn at a readable size or not
 *   at all, by priority (the selection and its neighbours, the hovered node's neighbours,
 *   then levels, themes, strands, barriers and organisations, best connected first), and a
 *   label that would overlap one already placed tries another side of its node, then gives up.
 *   vis-network has no label collision handling, so its own labels are never given any text.
 * - highlights apart from the data: setHighlight() restyles in place and moves the view to the
 *   focus and its neighbours; what is not highlighted fades but stays clickable.
 *
 * - marks apart from the data: setMarks() rings what is new, changed or removed (a ghost, drawn
 *   hollow where it was), with a word beside it; marks of elements just arrived fade after a few
 *   seconds, those of a "what changed since" view stay.
 *
 * What was labelled is exposed for tests and tools as window.kgLabels[key] (boxes in page
 * pixels with their font sizes), the marks as window.kgMarks[key], and window.kgDrawings[key].
 * The labels (static/kg-labels.js) and the marks (static/kg-marks.js) are parts of the drawing in
 * files of their own, loaded after this one: they add their methods to the Drawing.
 */
(function () {
  "use strict";
  if (window.KGDraw) return;

  const paths = new Map();
  function shapePath(d) {
    let path = paths.get(d);
    if (!path) { path = new Path2D(d); paths.set(d, path); }
    return path;
  }

  // How far each shape reaches from its centre, as multiples of the node's size (x, y).
  const REACH = { ellipse: [1.45, 0.8], box: [1.5, 0.75], cylinder: [1.0, 0.95], diamond: [1.2, 1.2],
    star: [1.15, 1.15], triangle: [1.05, 1.15], triangleDown: [1.05, 1.15], hexagon: [1.1, 1.0] };
  function reach(shape) { return REACH[shape] || [1.0, 1.0]; }

  class Drawing {
    constructor(container, vis, payload, settings) {
      this.container = container;
      this.vis = vis;
      this.settings = Object.assign({ presentation: false, key: "graph", onSelect: null, maxZoom: 2.5 }, settings);
      this.highlight = { nodes: new Set(), edges: new Set(), focus: null };
      this.marks = {};  // by kind ("since", "arrived"): {stamp, nodes: Map id -> status, edges: Map, until}
      this.hover = null;
      this.touched = false;
      this.placed = [];
      this.nodes = new vis.DataSet();
      this.edges = new vis.DataSet();
      this._take(payload);
      this.nodes.add(this._visNodes(payload.nodes));
      this.edges.add(this._visEdges(payload.edges));
      this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges }, this._options());
      this.network.on("beforeDrawing", () => this._screenWidths());
      this.network.on("afterDrawing", (ctx) => { this._drawMarks(ctx); this._drawLabels(ctx); });
      this.network.on("click", (params) => {
        const id = params.nodes.length ? String(params.nodes[0]) : null;
        if (this.settings.onSelect) this.settings.onSelect(id);
      });
      this.network.on("hoverNode", (params) => { this.hover = String(params.node); this._order(); });
      this.network.on("blurNode", () => { this.hover = null; this._order(); });
      // Only a person's own zooming or dragging stops the automatic framing.
      container.addEventListener("wheel", () => { this.touched = true; }, { passive: true });
      this.network.on("dragEnd", (params) => { if (!params.nodes.length) this.touched = true; });
      if (window.ResizeObserver) {
        this.resizer = new ResizeObserver(() => { if (!this.touched) this.frame(false); });
        this.resizer.observe(container);
      }
      this._order();
      this.frame(false);
      window.kgDrawings = Object.assign(window.kgDrawings || {}, { [this.settings.key]: this });
    }

    // ---- data ------------------------------------------------------------------------
    _take(payload) {
      this.styles = payload.styles;
      this.shapes = payload.shapes;
      this.info = new Map();
      this.neighbours = new Map();
      for (const node of payload.nodes) {
        const style = this.styles[node.type] || this.styles.other;
        // `text` is the whole name (wrapped here to the room there is); older payloads only
        // carry `label`, already cut to two lines.
        const text = node.text !== undefined ? node.text : (node.label || "").split("\n").join(" ");
        this.info.set(node.id, { label: node.label || "", text: text, type: node.type, style: style,
          size: node.size || style.size, rank: node.rank || 0, lines: (node.label || "").split("\n"), wrapped: new Map(),
          ghost: Boolean(node.ghost) });
        this.neighbours.set(node.id, new Set());
      }
      this.edgeInfo = new Map();
      for (const edge of payload.edges) {
        this.edgeInfo.set(edge.id, edge);
        if (this.neighbours.has(edge.from) && this.neighbours.has(edge.to)) {
          this.neighbours.get(edge.from).add(edge.to);
          this.neighbours.get(edge.to).add(edge.from);
        }
      }
      this.baseOptions = payload.options;
    }

    _visNodes(nodes) {
      this.home = new Map(nodes.map((node) => [node.id, { x: node.x, y: node.y }]));
      this.stretched = "1,1";
      return nodes.map((node) => {
        const item = { id: node.id, x: node.x, y: node.y, title: node.title };
        const info = this.info.get(node.id);
        item.size = info.size;
        return item;
      });
    }

    /** The edge colours and widths in use: a projector's (darker, and a width in screen
     * pixels at any zoom) or a laptop's. */
    _edgeStyle() {
      const kg = this.baseOptions.kg;
      return this.settings.presentation && kg.presentation_edges ? kg.presentation_edges
        : { edge: kg.edge, faint_edge: kg.faint_edge, lit_edge: kg.lit_edge, faded_edge: kg.faded_edge,
          width: 1, lit_width: 2, screen: false };
    }

    _edgeLook(edge) {
      const lit = this.highlight, look = this._edgeStyle();
      const any = lit.nodes.size > 0 || lit.focus;
      let colour = edge.faint ? look.faint_edge : look.edge;
      let width = look.width;
      if (any) {
        if (lit.edges.has(edge.id)) { colour = look.lit_edge; width = look.lit_width; }
        else colour = look.faded_edge;
      }
      return { color: { color: colour, highlight: "#000000", hover: "#000000" }, width: width };
    }

    _restyleEdges() {
      const updates = [];
      for (const edge of this.edgeInfo.values()) updates.push(Object.assign({ id: edge.id }, this._edgeLook(edge)));
      this.edges.update(updates);
    }

    /** Switch between a projector's rules (larger labels, bolder links) and a laptop's. */
    setPresentation(on) {
      if (Boolean(this.settings.presentation) === Boolean(on)) return false;
      this.settings.presentation = Boolean(on);
      this._restyleEdges();
      return true;
    }

    // On a projector a link's width is in screen pixels, whatever the zoom: vis-network scales
    // widths with the view, which left links a pixel wide or less on a wide view.
    _screenWidths() {
      const look = this._edgeStyle();
      if (!look.screen) return;
      const scale = this.network.getScale() / this._screenScale();
      const lit = this.highlight;
      for (const [id, edge] of Object.entries(this.network.body.edges)) {
        const info = this.edgeInfo.get(id);
        if (!info) continue;
        const px = (lit.nodes.size > 0 || lit.focus) && lit.edges.has(id) ? look.lit_width : look.width;
        edge.options.width = px / scale;
      }
    }

    _visEdges(edges) {
      return edges.map((edge) => Object.assign({ id: edge.id, from: edge.from, to: edge.to, title: edge.title },
        edge.dashes ? { dashes: edge.dashes } : {}, this._edgeLook(edge)));
    }

    _options() {
      const options = JSON.parse(JSON.stringify(this.baseOptions));
      delete options.kg;
      options.nodes = Object.assign({}, options.nodes, { shape: "custom", ctxRenderer: (args) => this._drawNode(args) });
      return options;
    }

    /** Replace the drawn data (a filter, an edit): nodes that stay keep their place. */
    setPayload(payload) {
      const before = new Set(this.info.keys());
      this._take(payload);
      const nodes = this._visNodes(payload.nodes);
      const keep = new Set(nodes.map((node) => node.id));
      this.nodes.remove([...before].filter((id) => !keep.has(id)));
      this.nodes.update(nodes);
      const edges = this._visEdges(payload.edges);
      const edgeIds = new Set(edges.map((edge) => edge.id));
      this.edges.remove(this.edges.getIds().filter((id) => !edgeIds.has(id)));
      this.edges.update(edges);
      this.network.setOptions(this._options());
      const changed = before.size !== keep.size || [...keep].some((id) => !before.has(id));
      this._order();
      return changed;
    }

    /** Restyle in place: {nodes: [ids], edges: [ids], focus: id or null}. Returns true if it changed. */
    setHighlight(highlight) {
      const next = { nodes: new Set((highlight && highlight.nodes) || []),
        edges: new Set((highlight && highlight.edges) || []), focus: (highlight && highlight.focus) || null };
      if (next.focus && !this.info.has(next.focus)) next.focus = null;
      const same = next.focus === this.highlight.focus && next.nodes.size === this.highlight.nodes.size
        && [...next.nodes].every((id) => this.highlight.nodes.has(id)) && next.edges.size === this.highlight.edges.size
        && [...next.edges].every((id) => this.highlight.edges.has(id));
      if (same) return false;
      this.highlight = next;
      this._restyleEdges();
      if (next.focus) this.network.selectNodes([next.focus], false);
      else this.network.unselectAll();
      this._order();
      return true;
    }

    /** The ids a highlight is about: the focus and the highlighted nodes that are drawn. */
    highlighted() {
      const ids = [...this.highlight.nodes].filter((id) => this.info.has(id));
      if (this.highlight.focus && !ids.includes(this.highlight.focus)) ids.push(this.highlight.focus);
      return ids;
    }

    // ---- framing ---------------------------------------------------------------------
    /** Move and zoom so that `ids` (default: the highlight, else everything) fill the pane,
     * leaving a margin for labels at the sides. */
    frame(animate, ids) {
      const wanted = (ids || this.highlighted()).filter((id) => this.info.has(id));
      const chosen = wanted.length ? wanted : [...this.info.keys()];
      if (!chosen.length) return;
      const pane = this.container.getBoundingClientRect();
      if (pane.width && pane.height) {
        const font = this._px(6);
        this._fitShape(pane.width - 2 * Math.min(pane.width * 0.2, 5 * font),
          pane.height - 2 * Math.min(pane.height * 0.2, 2.6 * font));
      }
      const positions = this.network.getPositions(chosen);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const id of chosen) {
        const p = positions[id];
        if (!p) continue;
        const info = this.info.get(id);
        const [rx, ry] = reach(info.style.shape);
        minX = Math.min(minX, p.x - info.size * rx); maxX = Math.max(maxX, p.x + info.size * rx);
        minY = Math.min(minY, p.y - info.size * ry); maxY = Math.max(maxY, p.y + info.size * ry);
      }
      const box = this.container.getBoundingClientRect();
      if (!box.width || !box.height || !isFinite(minX)) return;
      // vis-network notices a new container size only on its next check; moveTo centres on
      // the canvas it knows, so make it look now.
      if (this.network.canvas && this.network.canvas.setSize) this.network.canvas.setSize();
      const font = this._px(6);
      const close = wanted.length > 0;  // around a selection the labels need more room
      const marginX = Math.min(box.width * (close ? 0.22 : 0.2), (close ? 8 : 5) * font);
      const marginY = Math.min(box.height * 0.2, (close ? 3.5 : 2.6) * font);
      const spanX = Math.max(maxX - minX, 1), spanY = Math.max(maxY - minY, 1);
      let scale = Math.min((box.width - 2 * marginX) / spanX, (box.height - 2 * marginY) / spanY);
      scale = Math.max(0.02, Math.min(scale, this.settings.maxZoom));
      const position = { x: (minX + maxX) / 2, y: (minY + maxY) / 2 };
      const move = { position: position, scale: scale };
      if (animate) {
        move.animation = { duration: 450, easingFunction: "easeInOutQuad" };
        this.animating = true;
        clearTimeout(this.animationTimer);  // vis reports no end when an animation is cut short
        this.animationTimer = setTimeout(() => { this.animating = false; }, 700);
      }
      this.network.moveTo(move);
      if (!animate) this.network.redraw();
    }

    /** On a projector, stretch the layout (at most 1.6 times, along one axis) towards the
     * shape of the pane, so that a wide, short window gives the labels its width. The layout
     * comes from Python, which cannot know the window. Elsewhere the layout is kept as it is. */
    _fitShape(width, height) {
      let sx = 1, sy = 1;
      if (this.settings.presentation && this.home.size > 2 && this.home.size <= 400 && width > 0 && height > 0) {
        let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        for (const p of this.home.values()) {
          minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
        }
        const shape = Math.max(maxX - minX, 1) / Math.max(maxY - minY, 1), want = width / height;
        if (want > shape) sx = Math.min(want / shape, 1.6); else sy = Math.min(shape / want, 1.6);
      }
      const key = sx.toFixed(2) + "," + sy.toFixed(2);
      if (key === this.stretched) return;
      this.stretched = key;
      const moved = [];
      for (const [id, p] of this.home) if (p.x !== undefined) moved.push({ id: id, x: p.x * sx, y: p.y * sy });
      this.nodes.update(moved);
    }

    /** The fill each node is drawn with now (id -> colour): the style's, or faded. */
    nodeColours() {
      const colours = {};
      for (const [id, info] of this.info) colours[id] = this._faded(id) ? this.baseOptions.kg.faded_fill : info.style.color;
      return colours;
    }

    /** Nodes whose centre lies outside the visible pane. */
    outside() {
      const box = this.container.getBoundingClientRect();
      const positions = this.network.getPositions();
      return Object.keys(positions).filter((id) => {
        const p = this.network.canvasToDOM(positions[id]);
        return p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height;
      });
    }

    // ---- nodes -----------------------------------------------------------------------
    _faded(id) {
      const lit = this.highlight;
      if (!lit.nodes.size && !lit.focus) return false;
      return !(lit.nodes.has(id) || lit.focus === id);
    }

    _drawNode({ ctx, id, x, y, state }) {
      const info = this.info.get(id);
      if (!info) return { drawNode() {}, nodeDimensions: { width: 1, height: 1 } };
      const size = info.size, style = info.style, faded = this._faded(id);
      const [rx, ry] = reach(style.shape);
      const kg = this.baseOptions.kg;
      return {
        drawNode: () => {
          ctx.save();
          ctx.translate(x, y);
          ctx.scale(size, size);
          const path = shapePath(this.shapes[style.shape] || this.shapes.dot);
          ctx.fillStyle = info.ghost ? "#ffffff" : (faded ? kg.faded_fill : style.color);
          ctx.fill(path);
          const strong = state.selected || state.hover || this.highlight.focus === id;
          ctx.lineWidth = (strong ? 3 : info.ghost ? 2 : 1.2) / size;
          ctx.lineJoin = "round";
          if (info.ghost) ctx.setLineDash([3 / size, 2.5 / size]);  // removed: hollow, dashed, where it was
          ctx.strokeStyle = faded ? kg.faded_border : (strong || info.ghost ? "#000000" : style.border);
          ctx.stroke(path);
          ctx.setLineDash([]);
          ctx.restore();
        },
        nodeDimensions: { width: 2 * size * rx, height: 2 * size * ry },
      };
    }

    destroy() {
      if (this.resizer) this.resizer.disconnect();
      if (this.pulsing) clearInterval(this.pulsing);
      this.network.destroy();
      if (window.kgDrawings && window.kgDrawings[this.settings.key] === this) delete window.kgDrawings[this.settings.key];
    }
  }


  /** The key to the node types drawn in `payload`, built from the same style table as the
   * drawing (an SVG of each shape), as DOM nodes: no text from the data is involved. */
  function buildKey(payload, names) {
    const list = document.createElement("ul");
    list.className = "kg-key";
    list.setAttribute("aria-label", "Key to node types");
    const present = new Set(payload.nodes.map((node) => node.type));
    for (const [type, style] of Object.entries(payload.styles)) {
      if (!present.has(type)) continue;
      const item = document.createElement("li");
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "-1.6 -1.6 3.2 3.2");
      svg.setAttribute("aria-hidden", "true");
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", payload.shapes[style.shape] || payload.shapes.dot);
      path.setAttribute("fill", style.color);
      path.setAttribute("stroke", style.border);
      path.setAttribute("stroke-width", "0.16");
      path.setAttribute("stroke-linejoin", "round");
      svg.appendChild(path);
      const name = document.createElement("span");
      name.textContent = style.name || type;
      item.append(svg, name);
      list.appendChild(item);
    }
    return list;
  }

  // Copy a part's methods onto the drawing (the labels and the marks live in files of their own).
  function addPart(name, part) {
    for (const method of Object.getOwnPropertyNames(part.prototype)) {
      if (method !== "constructor") Object.defineProperty(Drawing.prototype, method, Object.getOwnPropertyDescriptor(part.prototype, method));
    }
    window.KGDraw.parts.add(name);
  }

  window.KGDraw = {
    addPart: addPart,
    buildKey: buildKey,
    Drawing: Drawing,
    parts: new Set(),
    reach: reach,
    create: (container, vis, payload, settings) => new Drawing(container, vis, payload, settings),
  };
})();
