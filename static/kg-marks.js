/* The drawing's marks: setMarks() rings what is new, changed or removed (a ghost, drawn hollow
 * where it was), with a word beside it; marks of elements just arrived fade after a few seconds,
 * those of a "what changed since" view stay. A part of static/kg-draw.js.
 */
(function () {
  "use strict";
  if (!window.KGDraw || window.KGDraw.parts.has("marks")) return;
  const reach = window.KGDraw.reach;

  class Marks {
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

  }

  window.KGDraw.addPart("marks", Marks);
})();
