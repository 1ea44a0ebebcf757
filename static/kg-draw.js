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

  const PAD_X = 3, PAD_Y = 1, GAP = 3, LINE = 1.18;
  const MOST_LINES = 3;  // a name wraps to three lines before it is shortened
  // A long name may take wider lines, up to about 64 characters: the measure of a line of prose.
  const WIDTHS = [1, 1.3, 1.6, 2.2, 3.1];

  /** A line that stops short: its trailing punctuation dropped, and "…". */
  function shortened(line) { return line.replace(/[\s,.;:…–-]+$/, "") + "…"; }

  /** `text` in at most `most` lines no wider than `width` pixels (words kept whole); a name
   * that needs more is cut at the end of its last line, with "…". */
  function wrap(ctx, text, width, most) {
    const words = text.split(/\s+/).filter(Boolean);
    const lines = [];
    let line = "", used = 0;
    for (; used < words.length; used++) {
      const next = line ? line + " " + words[used] : words[used];
      if (line && ctx.measureText(next).width > width) {
        lines.push(line);
        line = words[used];
        if (lines.length === most) break;
      } else line = next;
    }
    if (lines.length < most) {
      if (line) lines.push(line);
      return { lines: lines, cut: false };
    }
    let last = lines[most - 1].replace(/[\s,.;:…–-]+$/, "");
    while (last.includes(" ") && ctx.measureText(last + "…").width > width) {
      last = last.slice(0, last.lastIndexOf(" ")).replace(/[\s,.;:…–-]+$/, "");
    }
    lines[most - 1] = last + "…";
    return { lines: lines, cut: true };
  }

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

    /** Mark elements: {stamp, nodes: {id: "added"|"changed"|"removed"}, edges: {id: status}, seconds}.
     * `kind` keeps sets apart ("arrived": brief, "since": for as long as the view asks). The same
     * stamp again changes nothing, so a rerun does not restart a fading mark. */
    setMarks(kind, marks) {
      const stamp = (marks && marks.stamp) || null;
      const current = this.marks[kind];
      if ((current ? current.stamp : null) === stamp) return false;
      if (!stamp) { delete this.marks[kind]; this._order(); return true; }
      const seconds = marks.seconds || 0;
      this.marks[kind] = { stamp: stamp, nodes: new Map(Object.entries(marks.nodes || {})),
        edges: new Map(Object.entries(marks.edges || {})), until: seconds ? performance.now() + seconds * 1000 : Infinity };
      if (seconds) this._pulse();
      this._order();
      this._publishMarks();
      return true;
    }

    /** Redraw while a brief mark fades; drop it when its time is up. */
    _pulse() {
      if (this.pulsing) return;
      this.pulsing = setInterval(() => {
        const now = performance.now();
        let live = false;
        for (const [kind, marks] of Object.entries(this.marks)) {
          if (marks.until <= now) { delete this.marks[kind]; this._order(); this._publishMarks(); }
          else if (marks.until !== Infinity) live = true;
        }
        this.network.redraw();
        if (!live) { clearInterval(this.pulsing); this.pulsing = null; }
      }, 120);
    }

    /** Every mark now: id -> status (a node's own marks before an arrival's). */
    _markOf(kind) {
      const found = new Map();
      for (const marks of Object.values(this.marks)) for (const [id, status] of marks[kind]) if (!found.has(id)) found.set(id, status);
      return found;
    }

    _publishMarks() {
      const out = {};
      for (const [kind, marks] of Object.entries(this.marks)) {
        out[kind] = { stamp: marks.stamp, nodes: Object.fromEntries(marks.nodes), edges: Object.fromEntries(marks.edges) };
      }
      window.kgMarks = Object.assign(window.kgMarks || {}, { [this.settings.key]: out });
    }

    _drawMarks(ctx) {
      const nodes = this._markOf("nodes"), edges = this._markOf("edges");
      if (!nodes.size && !edges.size) return;
      const network = this.network, bodies = network.body.nodes, scale = network.getScale();
      const ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
      const now = performance.now();
      const arrived = this.marks.arrived;
      const beat = arrived && arrived.until !== Infinity ? 0.5 + 0.5 * Math.sin(now / 180) : 0;
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineCap = "round";
      for (const [id, status] of edges) {
        const info = this.edgeInfo.get(id);
        const a = info && bodies[info.from], b = info && bodies[info.to];
        if (!a || !b) continue;
        const p = network.canvasToDOM({ x: a.x, y: a.y }), q = network.canvasToDOM({ x: b.x, y: b.y });
        ctx.strokeStyle = status === "removed" ? "rgba(0, 0, 0, 0.35)" : "rgba(51, 34, 136, 0.35)";
        ctx.lineWidth = 7;
        ctx.setLineDash(status === "removed" ? [4, 6] : []);
        ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.lineTo(q.x, q.y); ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.font = "bold 11px Arial, Helvetica, sans-serif";
      ctx.textBaseline = "middle";
      for (const [id, status] of nodes) {
        const info = this.info.get(id), body = bodies[id];
        if (!info || !body) continue;
        const at = network.canvasToDOM({ x: body.x, y: body.y });
        const [rx, ry] = reach(info.style.shape);
        const radius = Math.max(info.size * Math.max(rx, ry) * scale, 6) + 5 + 4 * beat;
        ctx.lineWidth = 3;
        ctx.strokeStyle = "#ffffff";
        ctx.beginPath(); ctx.arc(at.x, at.y, radius + 2, 0, 2 * Math.PI); ctx.stroke();
        ctx.strokeStyle = "#332288";  // indigo: apart from every node type's colour, and a word says what
        ctx.setLineDash(status === "removed" ? [5, 4] : status === "changed" ? [10, 3] : []);
        ctx.beginPath(); ctx.arc(at.x, at.y, radius, 0, 2 * Math.PI); ctx.stroke();
        ctx.setLineDash([]);
        const word = status === "added" ? "new" : status;
        const w = ctx.measureText(word).width + 8, x = at.x + radius * 0.7, y = at.y - radius * 0.7 - 7;
        ctx.fillStyle = "#332288";
        ctx.fillRect(x, y, w, 14);
        ctx.fillStyle = "#ffffff";
        ctx.fillText(word, x + 4, y + 7);
      }
      ctx.restore();
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

    // ---- labels ----------------------------------------------------------------------
    _px(base) {
      const rules = this.baseOptions.kg.labels;
      const scale = this.settings.presentation ? Math.max(rules.presentation_scale, rules.scale) : rules.scale;
      const min = this.settings.presentation ? rules.presentation_min_px : rules.min_px;
      return Math.max(base * scale, min) * this._screenScale();
    }

    /** On a projector, type grows with a window larger than 1920x1080 (a 4K screen), so that
     * it takes the same share of the screen and reads from the same distance. */
    _screenScale() {
      if (!this.settings.presentation) return 1;
      return Math.max(1, Math.min(window.innerWidth / 1920, window.innerHeight / 1080));
    }

    /** A node's name as drawn at this font: up to three lines, wider lines for a long name.
     * Returns the shapes it may take, best first: the narrowest whole one, then wider whole ones
     * with fewer lines (tried where the first does not fit); or the one shortened shape. */
    _wrapped(ctx, info, font, px, room) {
      const key = font + "|" + Math.round(room);
      let found = info.wrapped.get(key);
      if (!found) {
        const rules = this.baseOptions.kg.labels;
        const width = px * (rules.line_em || 11.5);
        found = [];
        let last = null;
        for (const times of WIDTHS) {
          // no line wider than most of the pane: a small window keeps room around a long name
          last = wrap(ctx, info.text, Math.max(width, Math.min(width * times, room)), MOST_LINES);
          if (!last.cut && (!found.length || last.lines.length < found[found.length - 1].lines.length)) found.push(last);
        }
        if (!found.length) found.push(last);
        info.wrapped.set(key, found);
      }
      return found;
    }

    /** The order in which nodes get a label when they compete for room. */
    _order() {
      const focus = this.highlight.focus;
      const around = focus ? this.neighbours.get(focus) || new Set() : new Set();
      const hovered = this.hover ? new Set([this.hover, ...(this.neighbours.get(this.hover) || [])]) : new Set();
      const marked = this._markOf("nodes");
      const group = (id) => {
        if (id === focus) return 0;
        if (id === this.hover) return 1;
        if (around.has(id) || marked.has(id)) return 2;  // what just arrived or changed is labelled in full
        if (hovered.has(id)) return 3;
        if (this.highlight.nodes.has(id)) return 4;
        return this._faded(id) ? 6 : 5;
      };
      const keyed = [...this.info.keys()].map((id) => [group(id), this.info.get(id).rank, id]);
      keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      this.order = keyed.map((entry) => entry[2]);
      this.groups = new Map(keyed.map((entry) => [entry[2], entry[0]]));
      if (this.network) this.network.redraw();
    }

    _drawLabels(ctx) {
      const network = this.network;
      const box = this.container.getBoundingClientRect();
      const width = box.width, height = box.height;
      const ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
      const scale = network.getScale();
      const rules = this.baseOptions.kg.labels;
      const cell = 64, grid = new Map(), placed = [];
      const taken = (r) => {
        for (let gx = Math.floor(r.x / cell); gx <= Math.floor((r.x + r.w) / cell); gx++) {
          for (let gy = Math.floor(r.y / cell); gy <= Math.floor((r.y + r.h) / cell); gy++) {
            for (const other of grid.get(gx + "," + gy) || []) {
              if (r.x < other.x + other.w && other.x < r.x + r.w && r.y < other.y + other.h && other.y < r.y + r.h) return true;
            }
          }
        }
        return false;
      };
      const take = (r) => {
        for (let gx = Math.floor(r.x / cell); gx <= Math.floor((r.x + r.w) / cell); gx++) {
          for (let gy = Math.floor(r.y / cell); gy <= Math.floor((r.y + r.h) / cell); gy++) {
            const key = gx + "," + gy;
            if (!grid.has(key)) grid.set(key, []);
            grid.get(key).push(r);
          }
        }
      };
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.textBaseline = "top";
      const bodies = network.body.nodes;
      // Labels do not cover a node's shape: every shape in view is an obstacle first.
      for (const [id, info] of this.info) {
        const body = bodies[id];
        if (!body) continue;
        const at = network.canvasToDOM({ x: body.x, y: body.y });
        if (at.x < -50 || at.y < -50 || at.x > width + 50 || at.y > height + 50) continue;
        const [rx, ry] = reach(info.style.shape);
        const sx = info.size * rx * scale + 1, sy = info.size * ry * scale + 1;
        // Specks (a wide view of a big graph) may sit under a label; its halo keeps them visible.
        if (Math.max(sx, sy) < 5 && id !== this.highlight.focus) continue;
        if (this._faded(id)) continue;  // faded nodes may sit under the highlighted ones' labels
        take({ x: at.x - sx, y: at.y - sy, w: 2 * sx, h: 2 * sy, node: true });
      }
      // Place one label: the first free spot beside its node, else (for the labels that must be
      // read) on rings further out, with a thin line back to the node. False if none is free.
      const place = (id, at, lines, cut, group, px, weight) => {
        const info = this.info.get(id);
        ctx.font = weight + px + "px " + rules.font;
        let textWidth = 0;
        for (const line of lines) textWidth = Math.max(textWidth, ctx.measureText(line).width);
        const w = textWidth + 2 * PAD_X, h = lines.length * px * LINE + 2 * PAD_Y;
        const [rx, ry] = reach(info.style.shape);
        const sx = info.size * rx * scale, sy = info.size * ry * scale;
        const candidates = [
          { x: at.x - w / 2, y: at.y + sy + GAP },
          { x: at.x - w / 2, y: at.y - sy - GAP - h },
          { x: at.x + sx + GAP, y: at.y - h / 2 },
          { x: at.x - sx - GAP - w, y: at.y - h / 2 },
          { x: at.x + sx * 0.7, y: at.y + sy * 0.7 },
          { x: at.x - sx * 0.7 - w, y: at.y + sy * 0.7 },
          { x: at.x + sx * 0.7, y: at.y - sy * 0.7 - h },
          { x: at.x - sx * 0.7 - w, y: at.y - sy * 0.7 - h },
          // a wide label (a long name on wider lines) also sits flush with either side of its node
          { x: at.x - sx, y: at.y + sy + GAP },
          { x: at.x + sx - w, y: at.y + sy + GAP },
          { x: at.x - sx, y: at.y - sy - GAP - h },
          { x: at.x + sx - w, y: at.y - sy - GAP - h },
        ];
        if (group <= 3 || this.info.size <= 80 || info.rank < 12) {
          // The selection, its neighbours and the hovered node's must be read: if no side of
          // the node is free, look further out, on rings, and draw a thin line to the label.
          const near = group > 3 && this.info.size > 80;  // structure labels stay close to their node
          for (const radius of near ? [1.6, 2.4, 3.2] : [1.6, 2.4, 3.4, 4.6, 6, 8, 10.5]) {
            for (let k = 0; k < 16; k++) {
              const angle = (k / 16) * 2 * Math.PI + (radius % 2) * 0.2;
              const cx = at.x + Math.cos(angle) * radius * (sx + h), cy = at.y + Math.sin(angle) * radius * (sy + h);
              for (const align of w > 4 * h ? [0.5, 0.12, 0.88] : [0.5]) {
                candidates.push({ x: cx - w * align, y: cy - h / 2, lead: true });
              }
            }
          }
        }
        for (const c of candidates) {
          const r = { x: c.x, y: c.y, w: w, h: h };
          if (r.x < 1 || r.y < 1 || r.x + w > width - 1 || r.y + h > height - 1) continue;
          // A faded label keeps a little further off, so the highlighted ones stand apart.
          if (group === 6 ? taken({ x: r.x - 4, y: r.y - 3, w: w + 8, h: h + 6 }) : taken(r)) continue;
          take(r);
          placed.push({ id: id, text: lines.join("\n"), cut: cut, x: r.x, y: r.y, w: w, h: h, px: px, weight: weight,
            faded: group === 6, lead: c.lead ? { x: at.x, y: at.y } : null });
          return true;
        }
        return false;
      };
      const missed = [];
      for (const id of this.order || []) {
        const info = this.info.get(id), body = bodies[id];
        if (!info || !body || !info.text) continue;
        const at = network.canvasToDOM({ x: body.x, y: body.y });
        if (at.x < -50 || at.y < -50 || at.x > width + 50 || at.y > height + 50) continue;
        const group = this.groups.get(id);
        const px = Math.round(this._px(info.style.font + (group === 0 ? 2 : 0)) * 10) / 10;
        const weight = group === 0 ? "bold " : "";
        ctx.font = weight + px + "px " + rules.font;
        const shapes = this._wrapped(ctx, info, weight + px + "px " + rules.font, px, 0.6 * width);
        const wrapped = shapes[0];
        // On a laptop, a wide view of many nodes gives the rest one line each; the structure,
        // the highlight and a closer view get every line (the tooltip has the whole name).
        const brief = !this.settings.presentation && group > 4 && info.style.tier > 1 && scale < 0.9
          && this.info.size > 80 && wrapped.lines.length > 1;
        let done = brief ? place(id, at, [shortened(wrapped.lines[0])], true, group, px, weight)
          : place(id, at, wrapped.lines, wrapped.cut, group, px, weight);
        // Where the usual shape finds no room, a whole name may still fit on fewer, wider lines.
        if (!done && !brief && (this.settings.presentation || group <= 3)) {
          done = shapes.slice(1).some((shape) => place(id, at, shape.lines, shape.cut, group, px, weight));
        }
        if (!done) missed.push({ id, at, group, px, weight });
      }
      if (this.settings.presentation) {
        // On a projector a name is shortened only where it would otherwise go unlabelled, and
        // then in at most one label in ten: a scene of shortened names cannot be read.
        let cut = placed.filter((label) => label.cut).length;
        for (const m of missed) {
          // the selection and its neighbours must be read, shortened if need be (the caption
          // carries the selection's whole name)
          if (m.group > 2 && cut + 1 > 0.1 * (placed.length + 1)) continue;
          ctx.font = m.weight + m.px + "px " + rules.font;
          const whole = wrap(ctx, this.info.get(m.id).text, m.px * (rules.line_em || 11.5), MOST_LINES).lines;
          for (const most of [2, 1]) {
            if (whole.length <= most) continue;  // shorter lines would not shorten it
            const lines = whole.slice(0, most);
            lines[most - 1] = shortened(lines[most - 1]);
            if (place(m.id, m.at, lines, true, m.group, m.px, m.weight)) { cut++; break; }
          }
        }
      }
      ctx.strokeStyle = "rgba(60, 60, 60, 0.75)";
      ctx.lineWidth = 1;
      for (const label of placed) {
        if (!label.lead) continue;
        const tx = Math.max(label.x, Math.min(label.lead.x, label.x + label.w));
        const ty = Math.max(label.y, Math.min(label.lead.y, label.y + label.h));
        ctx.beginPath();
        ctx.moveTo(label.lead.x, label.lead.y);
        ctx.lineTo(tx, ty);
        ctx.stroke();
      }
      ctx.lineJoin = "round";
      for (const label of placed) {
        ctx.font = label.weight + label.px + "px " + rules.font;
        ctx.fillStyle = label.faded ? rules.faded : rules.colour;
        ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
        ctx.lineWidth = Math.max(3, label.px / 4);
        label.text.split("\n").forEach((line, i) => {
          const y = label.y + PAD_Y + i * label.px * LINE + label.px * (LINE - 1) / 2;
          ctx.strokeText(line, label.x + PAD_X, y);  // a white halo: readable over edges
          ctx.fillText(line, label.x + PAD_X, y);
        });
      }
      ctx.restore();
      this.placed = placed;
      this._publish();
    }

    _publish() {
      const box = this.container.getBoundingClientRect();
      let dx = box.left, dy = box.top;
      // Page coordinates of the top window, when the drawing sits in a frame.
      try {
        if (window.frameElement) { const f = window.frameElement.getBoundingClientRect(); dx += f.left; dy += f.top; }
      } catch (error) { /* another origin */ }
      window.kgLabels = Object.assign(window.kgLabels || {}, {
        [this.settings.key]: this.placed.map((l) => ({ id: l.id, text: l.text, cut: l.cut, px: l.px,
          left: l.x + dx, top: l.y + dy, width: l.w, height: l.h })),
      });
      if (this.settings.onLabels) this.settings.onLabels(this.placed);
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

  window.KGDraw = {
    buildKey: buildKey,
    Drawing: Drawing,
    create: (container, vis, payload, settings) => new Drawing(container, vis, payload, settings),
  };
})();
