/* The drawing's labels: drawn on each redraw in screen pixels, at a readable size or not at all,
 * by priority (the selection and its neighbours, what just arrived, the hovered node's
 * neighbours, then levels, themes, strands, barriers and organisations, best connected first); a
 * name wraps to up to three lines before it is shortened, and a label that would overlap one
 * already placed tries another side of its node, then gives up. vis-network has no label
 * collision handling, so its own labels are never given any text. A part of static/kg-draw.js.
 */
(function () {
  "use strict";
  if (!window.KGDraw || window.KGDraw.parts.has("labels")) return;
  const reach = window.KGDraw.reach;

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

  class Labels {
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

  }

  window.KGDraw.addPart("labels", Labels);
})();
