"""Node positions for drawing the graph with physics off (vis-network, standalone HTML).

One pure function, ``compute_layout``: a force-directed layout that starts from a
pivot-MDS sketch of the graph distances (so large graphs need few force steps) and is
refined with Fruchterman-Reingold forces. Structural relations (a topic *in* a theme, a
theme *at* a level, a part *of* a whole) pull harder than cross-cutting ones (a strand
*raised* a topic), so the report's clusters stay apart instead of forming one hairball.
Connected components are laid out separately and packed side by side. Then a label-aware
pass pushes apart any two nodes whose labels (at full size) would overlap, so zooming in
always reveals every label. The app caches it.

``fill_layout`` lays out a part of the graph afresh to fill a pane of a given shape (a
filter, a scene); ``extend_layout`` keeps every position of an earlier layout and puts new
nodes beside their neighbours (an edit).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path
from scipy.spatial import cKDTree

#: How strongly an edge of each relation pulls its ends together (1.0 when unlisted).
RELATION_PULL: dict[str, float] = {
    "in_theme": 4.0,
    "at_level": 3.0,
    "part_of": 3.0,
    "next_stage": 3.0,
    "held_in": 2.0,
    "located_in": 2.0,
    "attributed_to": 2.0,
    "raised": 0.4,
    "not_prioritised": 0.2,
    "mentions": 0.5,
    "also_listed_as": 0.5,
}

#: The layout's unit, in pixels: about the gap between a node and its nearest neighbour.
NODE_SPACING = 80.0

#: How much room (a radius, in NODE_SPACING units) a node of each type needs: the types
#: drawn as labelled shapes (see graph.picture.render) are much wider than the small symbols.
ROOM: dict[str, float] = {"level": 0.95, "theme": 0.9, "stage": 0.8, "barrier": 0.9}
_DEFAULT_ROOM = 0.3

_LABEL_PASS_LIMIT = 3000  # beyond this a drawing shows an overview, not every label
_LABEL_DENSITY = 0.25  # the share of a part's drawing its labels cover
_CHAR_WIDTH = 0.56  # an average character's width, as a share of the font size (Arial)
_EXACT_LIMIT = 500  # up to this many nodes, repulsion between every pair is cheap enough
_SMALL = 30  # components up to this size are laid out together
_PIVOTS = 40
_REPULSION = 0.05
_GRAVITY = 0.3


def compute_layout(G: nx.Graph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Deterministic (x, y) pixel positions for every node of ``G``; does not modify ``G``.

    The same graph and seed always give the same positions, whatever order the nodes
    were added in. Isolated nodes and small components are packed beside the main one.

    >>> G = nx.path_graph(["a", "b", "c"])
    >>> positions = compute_layout(G)
    >>> sorted(positions), compute_layout(G) == positions
    (['a', 'b', 'c'], True)
    """
    nodes = sorted(G.nodes, key=_sort_key)
    if not nodes:
        return {}
    rng = np.random.default_rng(seed)
    adjacency = _pull_matrix(G, nodes)
    room = np.array([ROOM.get(str(G.nodes[node].get("type")), _DEFAULT_ROOM) for node in nodes])
    components = _components(adjacency)
    blocks = [  # (node indices, positions), largest first
        (index, _layout_component(adjacency[index][:, index], room[index], rng))
        for index in components
        if len(index) > _SMALL
    ]
    small = [index for index in components if 1 < len(index) <= _SMALL]
    if small:  # many small components cost little laid out together, one at a time a lot
        index = np.concatenate(small)
        blocks.append((index, _layout_small_components(adjacency[index][:, index], room[index], rng)))
    singles = np.array([index[0] for index in components if len(index) == 1], dtype=int)
    if len(singles):
        blocks.append((singles, _grid(len(singles))))
    positions = np.empty((len(nodes), 2))
    for (index, _), placed in zip(blocks, _pack([block for _, block in blocks]), strict=True):
        positions[index] = placed
    positions *= NODE_SPACING
    positions -= positions.mean(axis=0)
    if len(nodes) <= _LABEL_PASS_LIMIT:
        positions = remove_label_overlaps(_even_out(positions), label_boxes(G, nodes))
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, positions, strict=True)}


def _even_out(positions: np.ndarray, share: float = 0.5) -> np.ndarray:
    """Move each coordinate part of the way to where its rank would put it: the order of the
    nodes along each axis (the picture's structure) stays, but crowded middles open up and
    empty margins fill, so more labels find room when the whole graph is in view."""
    n = len(positions)
    if n < 3:
        return positions
    out = positions.copy()
    for axis in (0, 1):
        values = positions[:, axis]
        low, high = float(values.min()), float(values.max())
        if high - low < 1e-9:
            continue
        ranks = np.empty(n)
        ranks[np.argsort(values, kind="stable")] = np.linspace(low, high, n)
        out[:, axis] = (1 - share) * values + share * ranks
    return out


def label_boxes(G: nx.Graph, nodes: list, *, font_scale: float = 1.0, wrapped: bool = False) -> np.ndarray:
    """The (width, height) a node needs on the canvas at zoom 1: its label (two lines of at
    most ``LABEL_WIDTH`` characters, at its type's size times ``font_scale``) under its shape
    (at the largest size a measure can give it). ``wrapped``: the label as the drawing wraps
    it (``drawn_lines``), up to three lines, wider ones for a long name."""
    from graph.picture.render import short_label
    from graph.picture.style import style_of

    boxes = np.empty((len(nodes), 2))
    for i, node in enumerate(nodes):
        data = G.nodes[node]
        kind = style_of(str(data.get("type", "")))
        name = str(data.get("label") or node)
        lines = drawn_lines(name) if wrapped else short_label(name).split("\n")
        font = kind.font * font_scale
        width = max(len(line) for line in lines) * font * _CHAR_WIDTH + 8
        height = len(lines) * font * 1.2 + 3 * kind.size + 6
        boxes[i] = (max(width, 4 * kind.size), height)
    return boxes


def drawn_lines(name: str) -> list[str]:
    """About the lines ``static/kg-draw.js`` wraps a name to: at most three, of about
    ``LABEL_LINE_EM`` font sizes, or up to 3.1 times that (a line of prose) for a name that needs it.

    >>> drawn_lines("Recruitment, retention and resilience of the workforce")
    ['Recruitment, retention and', 'resilience of the', 'workforce']
    """
    import textwrap

    from graph.picture.style import DRAWN_LABEL_LINES, LABEL_LINE_EM

    text = " ".join(name.split()) or name
    chars = LABEL_LINE_EM / _CHAR_WIDTH
    for times in (1.0, 1.3, 1.6, 2.2, 3.1):
        lines = textwrap.wrap(text, int(chars * times)) or [text]
        if len(lines) <= DRAWN_LABEL_LINES:
            return lines
    return lines[:DRAWN_LABEL_LINES]


def remove_label_overlaps(positions: np.ndarray, boxes: np.ndarray, *, rounds: int = 200) -> np.ndarray:
    """Push apart nodes whose boxes (centred on the node, ``boxes`` = width, height) overlap,
    each pair along the axis where they overlap least, half each way, and where pushes cancel
    out in a crowd, spread the whole drawing a little; the structure of the layout is kept as
    far as the room the labels need allows.

    >>> moved = remove_label_overlaps(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[40.0, 10.0], [40.0, 10.0]]))
    >>> bool(abs(moved[1, 1] - moved[0, 1]) >= 10 - 1e-6 or abs(moved[1, 0] - moved[0, 0]) >= 40 - 1e-6)
    True
    """
    pos = positions.astype(float).copy()
    if len(pos) < 2:
        return pos
    half = boxes / 2
    reach = float(np.hypot(*boxes.max(axis=0)))
    centre = pos.mean(axis=0)
    for step in range(rounds):
        pairs = cKDTree(pos).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = pos[j] - pos[i]
        overlap = half[i] + half[j] - np.abs(delta)
        hit = (overlap[:, 0] > 0) & (overlap[:, 1] > 0)
        if not hit.any():
            break
        i, j, delta, overlap = i[hit], j[hit], delta[hit], overlap[hit]
        # Along x or y, whichever needs the shorter push; ties (same point) go sideways.
        along_x = overlap[:, 0] < overlap[:, 1]
        sign = np.sign(delta)
        sign[sign == 0] = 1
        push = np.zeros_like(delta)
        push[along_x, 0] = overlap[along_x, 0] * sign[along_x, 0] * 0.5 + 0.5
        push[~along_x, 1] = overlap[~along_x, 1] * sign[~along_x, 1] * 0.5 + 0.5
        move = np.zeros_like(pos)
        np.add.at(move, i, -push)
        np.add.at(move, j, push)
        pos += move * 0.9
        if step >= 10:  # pushes cancel out in a crowd: give the whole drawing a little more room
            pos = centre + (pos - centre) * 1.03
    return pos


def fill_layout(G: nx.Graph, *, aspect: float = 16 / 10, seed: int = 0) -> dict[str, tuple[float, float]]:
    """A fresh layout of ``G`` (e.g. the part of the graph a filter shows), stretched towards
    a pane of ``aspect`` (width / height) so that it fills the pane, with labels kept apart.

    >>> sorted(fill_layout(nx.path_graph(["a", "b", "c", "d"]), aspect=2.0))
    ['a', 'b', 'c', 'd']
    """
    where = compute_layout(G, seed=seed)
    if len(where) < 3:
        return where
    nodes = list(where)
    pos = np.array([where[node] for node in nodes])
    span = np.maximum(pos.max(axis=0) - pos.min(axis=0), 1.0)
    stretch = float(np.clip(aspect / (span[0] / span[1]), 0.4, 2.5))
    pos = (pos - pos.mean(axis=0)) * (np.array([stretch, 1.0]) if stretch >= 1 else np.array([1.0, 1 / stretch]))
    if len(nodes) <= _LABEL_PASS_LIMIT:
        # Size the drawing so that the labels (at a projector's size) cover about a quarter
        # of it, then push apart what still overlaps: the labels end up evenly spread.
        boxes = label_boxes(G, nodes, font_scale=1.5, wrapped=True)
        span = np.maximum(pos.max(axis=0) - pos.min(axis=0), 1.0)
        wanted = float((boxes[:, 0] * boxes[:, 1]).sum()) / _LABEL_DENSITY
        pos *= np.sqrt(wanted / float(span[0] * span[1]))
        pos = remove_label_overlaps(pos, boxes * 1.08)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos, strict=True)}


def extend_layout(
    G: nx.Graph, previous: dict[str, tuple[float, float]], *, seed: int = 0, loose: Collection[str] = ()
) -> dict[str, tuple[float, float]]:
    """Positions for ``G`` that keep every node of ``previous`` exactly where it was; a new
    node goes into free room beside the nodes it links to (or beside the drawing, if it links
    to none placed yet). Nodes no longer in ``G`` are dropped. A ``loose`` node (placed while it
    had no links: added live, its links still to come) moves beside its neighbours once it has some.

    >>> G = nx.path_graph(["a", "b", "c"])
    >>> where = extend_layout(G, {"a": (0.0, 0.0), "b": (100.0, 0.0)})
    >>> where["a"], where["b"], sorted(where)
    ((0.0, 0.0), (100.0, 0.0), ['a', 'b', 'c'])
    >>> extend_layout(G, {"a": (0.0, 0.0), "b": (100.0, 0.0), "c": (900.0, 900.0)}, loose={"c"})["c"] != (900.0, 900.0)
    True
    """
    linked = {node for node in loose if node in G and G.degree(node) > 0}  # its first links have arrived
    kept = {node: previous[node] for node in G if node in previous and node not in linked}
    new = sorted((node for node in G if node not in kept), key=_sort_key)
    if not kept:
        return compute_layout(G, seed=seed)
    if not new:
        return kept
    nodes = list(kept) + new
    boxes = dict(zip(nodes, label_boxes(G, nodes), strict=True))
    placed = dict(kept)
    xs = [x for x, _ in kept.values()]
    ys = [y for _, y in kept.values()]
    for node in new:
        around = (
            [placed[n] for n in nx.all_neighbors(G, node) if n in placed]
            if G.is_directed()
            else [placed[n] for n in G.neighbors(node) if n in placed]
        )
        if around:
            centre = (float(np.mean([x for x, _ in around])), float(np.mean([y for _, y in around])))
        else:
            centre = (max(xs) + boxes[node][0], float(np.mean(ys)))
        placed[node] = _free_spot(centre, boxes[node], placed, boxes)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in placed.items()}


class LayoutMemory:
    """Layouts of parts of a graph (filtered views), remembered so that an edit does not
    move the world: a part that differs from a remembered one by a few nodes (a node added
    or deleted) keeps the remembered positions (``extend_layout``); any other part is laid
    out afresh to fill the pane (``fill_layout``). Not thread-safe on its own; the app keeps
    one per data folder behind its cache.
    """

    def __init__(self, size: int = 32, near: int = 5) -> None:
        self._parts: dict[frozenset, dict[str, tuple[float, float]]] = {}
        self._loose: dict[frozenset, set[str]] = {}  # a part's nodes that had no link in it when placed
        self._size, self._near = size, near

    def layout(self, G: nx.Graph) -> dict[str, tuple[float, float]]:
        nodes = frozenset(G.nodes)
        if nodes in self._parts:
            return self._parts[nodes]
        close = [
            (len(nodes ^ known), sorted(known, key=str)[:1], known)
            for known in self._parts
            if len(nodes ^ known) <= self._near and nodes & known
        ]
        if close:
            _, _, known = min(close, key=lambda item: (item[0], item[1]))
            where = extend_layout(G, self._parts[known], loose=self._loose.get(known, ()))
        else:
            where = fill_layout(G)
        if len(self._parts) >= self._size:
            oldest = next(iter(self._parts))
            self._parts.pop(oldest)
            self._loose.pop(oldest, None)
        self._parts[nodes] = where
        self._loose[nodes] = loose_nodes(G)
        return where


def loose_nodes(G: nx.Graph) -> set[str]:
    """Nodes with no link: placed beside the drawing, to move once their links arrive."""
    return {node for node in G if G.degree(node) == 0}


def _free_spot(centre: tuple[float, float], box: np.ndarray, placed: dict, boxes: dict) -> tuple[float, float]:
    """The point nearest ``centre``, on a widening spiral, where ``box`` overlaps no placed box."""
    others = list(placed)
    if not others:
        return centre
    pos = np.array([placed[n] for n in others])
    half = np.array([boxes[n] for n in others]) / 2
    step = float(min(box)) / 2
    for k in range(2000):
        angle = k * 2.39996  # the golden angle: an even spread of tries
        radius = step * np.sqrt(k)
        x, y = centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)
        clear = (np.abs(pos[:, 0] - x) >= half[:, 0] + box[0] / 2) | (np.abs(pos[:, 1] - y) >= half[:, 1] + box[1] / 2)
        if clear.all():
            return (x, y)
    return centre


def _components(adjacency: csr_matrix) -> list[np.ndarray]:
    """Node indices of each connected component, largest first (ties: lowest index first)."""
    _, labels = connected_components(adjacency, directed=False)
    order = np.argsort(labels, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    return sorted(groups, key=lambda index: (-len(index), int(index[0])))


def _sort_key(node: Hashable) -> tuple[str, str]:
    return (type(node).__name__, str(node))


def _pull_matrix(G: nx.Graph, nodes: list) -> csr_matrix:
    """Symmetric sparse matrix of edge pulls (multi-edges add up), without self-loops."""
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, pulls = [], [], []
    edges = G.edges(keys=True, data="relation") if G.is_multigraph() else G.edges(data="relation")
    for edge in edges:
        source, target, relation = edge[0], edge[1], edge[-1]
        if relation is None and G.is_multigraph():
            relation = edge[2]
        if source == target:
            continue
        rows.append(index[source])
        cols.append(index[target])
        pulls.append(RELATION_PULL.get(str(relation), 1.0))
    n = len(nodes)
    matrix = coo_matrix((pulls, (rows, cols)), shape=(n, n)).tocsr()
    return (matrix + matrix.T).tocsr()


def _layout_small_components(adjacency: csr_matrix, room: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Many small components in one simulation: springs hold each together, repulsion and
    gravity arrange them side by side in a disc."""
    n = adjacency.shape[0]
    start = _normalise(rng.normal(size=(n, 2)), n)
    positions = _spring(start, adjacency, iterations=60, temperature=0.1 * np.sqrt(n))
    return _separate(_normalise(positions, n), room, rng)


def _grid(count: int) -> np.ndarray:
    """Unconnected nodes in rows; wide cells, as a label sits under each node."""
    columns = int(np.ceil(np.sqrt(count)))
    return np.array([(2.5 * (k % columns), 1.2 * (k // columns)) for k in range(count)], dtype=float)


def _layout_component(adjacency: csr_matrix, room: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of one connected component, in units of the typical gap between neighbours."""
    n = adjacency.shape[0]
    start = _pivot_mds(adjacency, rng)
    if n <= _EXACT_LIMIT:
        positions = _linlog(start, adjacency, iterations=200)
    else:
        positions = _spring(start, adjacency, iterations=max(20, int(60 - 8 * np.log10(n))), temperature=1.0)
    return _separate(_normalise(positions, n), room, rng)


def _pivot_mds(adjacency: csr_matrix, rng: np.random.Generator) -> np.ndarray:
    """A global sketch: classical MDS on graph distances to a few pivot nodes
    (Brandes & Pich 2006). Distances shrink along strongly pulling edges."""
    n = adjacency.shape[0]
    lengths = adjacency.copy()
    lengths.data = 1.0 / np.cbrt(lengths.data)
    pivots = _spread_pivots(lengths, min(_PIVOTS if n <= 20_000 else _PIVOTS // 2, n), rng)
    distances = shortest_path(lengths, directed=False, indices=pivots).T  # n x pivots
    squared = distances**2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1, keepdims=True) + squared.mean()
    centred *= -0.5
    # The two leading right singular vectors of the n x k matrix give the 2-D sketch
    # (found from the small k x k matrix; an SVD of the tall one is much slower).
    _, vectors = np.linalg.eigh(centred.T @ centred)
    sketch = centred @ vectors[:, ::-1][:, :2]
    if sketch.shape[1] < 2:
        sketch = np.column_stack([sketch, np.zeros(n)])
    sketch += rng.normal(scale=1e-3, size=sketch.shape)  # separate nodes at equal distances
    return _normalise(sketch, n)


def _spread_pivots(lengths: csr_matrix, count: int, rng: np.random.Generator) -> np.ndarray:
    """Max-min pivots: each new pivot is the node farthest from those chosen so far."""
    n = lengths.shape[0]
    pivots = [int(rng.integers(n))]
    nearest = shortest_path(lengths, directed=False, indices=pivots[0])
    for _ in range(count - 1):
        nxt = int(np.argmax(nearest))
        if nearest[nxt] == 0:
            break
        pivots.append(nxt)
        nearest = np.minimum(nearest, shortest_path(lengths, directed=False, indices=nxt))
    return np.array(pivots)


def _normalise(points: np.ndarray, n: int) -> np.ndarray:
    """Centre the points and scale them to cover about one unit of area per node."""
    points = points - points.mean(axis=0)
    spread = np.sqrt((points**2).sum(axis=1).mean())
    if spread == 0:
        return points
    return points * (np.sqrt(max(n, 16)) / 2 / spread)  # small graphs get room for their labels


def _linlog(positions: np.ndarray, adjacency: csr_matrix, iterations: int) -> np.ndarray:
    """Noack's LinLog forces with degree-weighted repulsion (as in ForceAtlas2), which pull
    densely linked groups into visible clusters; exact repulsion, for small graphs."""
    n = len(positions)
    pos = positions.copy()
    src, dst, pull = _edge_arrays(adjacency)
    mass = np.diff(adjacency.indptr).astype(float) + 1.0  # degree + 1
    temperature = 0.15 * np.sqrt(n)
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0:1] - pos[:, 0]
        dy = pos[:, 1:2] - pos[:, 1]
        inverse = dx * dx + dy * dy
        np.maximum(inverse, 1e-4, out=inverse)
        np.reciprocal(inverse, out=inverse)  # the diagonal has dx = dy = 0, so adds nothing
        inverse *= mass[:, None] * (_REPULSION * mass)
        move = np.column_stack([(dx * inverse).sum(axis=1), (dy * inverse).sum(axis=1)])
        move -= _attraction(pos, src, dst, pull, np.log1p)
        radius = np.sqrt((pos**2).sum(axis=1))
        move -= _GRAVITY * (mass / np.maximum(radius, 1e-9))[:, None] * pos
        pos += _limit(move, temperature)
        temperature -= cooling
    return pos


def _spring(positions: np.ndarray, adjacency: csr_matrix, iterations: int, temperature: float) -> np.ndarray:
    """Fruchterman-Reingold refinement for large graphs; ideal edge length 1.

    Each node is pushed only by its nearest neighbours within three edge lengths (found
    with a k-d tree), which keeps a step linear in the number of nodes even where nodes
    crowd; the pivot-MDS start supplies the global shape that such local forces cannot.
    """
    pos = positions.copy()
    src, dst, pull = _edge_arrays(adjacency)
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        move = _local_repulsion(pos, radius=3.0)
        move -= _attraction(pos, src, dst, pull, np.square)
        move -= 0.02 * pos  # weak gravity keeps loosely tied nodes from drifting off
        pos += _limit(move, temperature)
        temperature -= cooling
    return pos


def _edge_arrays(adjacency: csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coo = adjacency.tocoo()
    keep = coo.row < coo.col
    return coo.row[keep], coo.col[keep], coo.data[keep]


def _attraction(
    pos: np.ndarray, src: np.ndarray, dst: np.ndarray, pull: np.ndarray, strength: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Net pull on each node along its edges; ``strength(d)`` is the force at distance d."""
    n = len(pos)
    delta = pos[src] - pos[dst]
    distance = np.maximum(np.sqrt((delta**2).sum(axis=1)), 1e-9)
    force = delta * (strength(distance) * pull / distance)[:, None]
    net = np.empty((n, 2))
    for axis in (0, 1):
        net[:, axis] = np.bincount(src, force[:, axis], minlength=n) - np.bincount(dst, force[:, axis], minlength=n)
    return net


def _local_repulsion(pos: np.ndarray, radius: float, neighbours: int = 10) -> np.ndarray:
    tree = cKDTree(pos)
    distance, index = tree.query(pos, k=min(neighbours + 1, len(pos)), distance_upper_bound=radius, workers=-1)
    distance, index = distance[:, 1:], index[:, 1:]  # the first is the node itself
    found = np.isfinite(distance)
    index = np.where(found, index, 0)
    delta = pos[:, None, :] - pos[index]
    squared = np.maximum((delta**2).sum(axis=2), 1e-4)
    return (delta * (found / squared)[:, :, None]).sum(axis=1)


def _limit(move: np.ndarray, step: float) -> np.ndarray:
    """Shorten each node's move to at most ``step`` (the cooling temperature)."""
    length = np.sqrt((move**2).sum(axis=1))
    length[length == 0] = 1.0
    return move * (np.minimum(length, step) / length)[:, None]


def _separate(pos: np.ndarray, room: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Push apart nodes whose rooms (radii, in typical gaps) overlap, so none sit on top
    of each other; the big labelled shapes get more room than the small symbols.
    Each node looks at its few nearest neighbours only, so crowds cost no more than spread."""
    pos = pos.copy()
    reach = 2 * float(room.max())
    k = min(9, len(pos))
    rounds = 30 if len(pos) <= 5000 else 10
    for _ in range(rounds):
        distance, index = cKDTree(pos).query(pos, k=k, distance_upper_bound=reach, workers=-1)
        distance, index = distance[:, 1:], index[:, 1:]
        found = np.isfinite(distance)
        index = np.where(found, index, 0)
        wanted = room[:, None] + room[index]
        close = found & (distance < wanted)
        if not close.any():
            break
        delta = pos[:, None, :] - pos[index]
        same = close & (distance < 1e-9)
        if same.any():
            delta[same] = rng.normal(size=(int(same.sum()), 2))
            distance = np.where(same, np.sqrt((delta**2).sum(axis=2)), distance)
        distance = np.where(close, distance, 1.0)
        share = np.where(close, (wanted - distance) / (2 * np.maximum(distance, 1e-9)), 0.0)
        pos += (delta * share[:, :, None]).sum(axis=1)
    return pos


def _pack(blocks: list[np.ndarray], margin: float = 3.0) -> list[np.ndarray]:
    """Place blocks of positions (largest first) in rows, left to right; returns shifted copies."""
    shifted = [block - block.min(axis=0) for block in blocks]
    sizes = [block.max(axis=0) + margin for block in shifted]
    total_area = sum(float(width * height) for width, height in sizes)
    row_width = max(max(float(width) for width, _ in sizes), np.sqrt(total_area) * 1.2)
    placed = []
    x = y = row_height = 0.0
    for block, (width, height) in zip(shifted, sizes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.append(block + np.array([x, y]))
        x += float(width)
        row_height = max(row_height, float(height))
    return placed
