"""Do two bodies share more than chance? The stochastic degree sequence model (SDSM).

The bipartite configuration model (BiCM) gives every body × activity cell the probability
``p[i, a]`` that body ``i`` does activity ``a`` when only the bodies' degrees (how much each
does) and the activities' degrees (how many do each) are kept on average, and nothing else
(Saracco et al. 2015). Two bodies then share ``X = sum_a B(p[i, a] * p[j, a])`` activities by
chance, a Poisson-binomial count; the p-value of a pair sharing ``s`` is ``P(X >= s)`` (Neal 2014,
"The backbone of bipartite projections"). Many pairs are tested at once, so the q-values are
Benjamini–Hochberg's.

In the BiCM the probabilities depend only on the degrees, so the model is solved and the
p-values computed once per degree class, not per node or per pair: the work does not grow with
the number of bodies. The equations are solved here with numpy (a fixed-point iteration, then
a check of the degrees it reproduces) rather than with the ``bicm`` package, whose numba
dependency weighs about 200 MB and compiles for seconds on first use; ``tests/analysis/
test_sdsm.py`` checks these p-values against the fixed degree sequence model sampled by curveball.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

#: A pair is significant when its Benjamini–Hochberg q-value is at most this.
ALPHA = 0.05
_TOLERANCE = 1e-9
_MAX_ROUNDS = 20_000


@dataclass(frozen=True, eq=False)  # hashed by identity: p-values are cached per solved model
class Model:
    """The solved BiCM, by degree class: ``p[r, c]`` for a body of degree ``row_degrees[r]`` and an
    activity of degree ``col_degrees[c]``; ``col_counts[c]`` activities have that degree."""

    row_degrees: tuple[int, ...]
    col_degrees: tuple[int, ...]
    col_counts: tuple[int, ...]
    p: np.ndarray

    def probability(self, row_degree: int, col_degree: int) -> float:
        return float(self.p[self.row_degrees.index(row_degree), self.col_degrees.index(col_degree)])


def solve(row_degrees: Sequence[int], col_degrees: Sequence[int]) -> Model:
    """The BiCM for these degrees: each cell's probability, so that every body's and every
    activity's expected degree is its observed one.

    >>> m = solve([2, 1, 1], [2, 1, 1])
    >>> round(sum(m.probability(2, c) for c in (2, 1, 1)), 6)
    2.0
    """
    rows, row_counts = np.unique(np.asarray(row_degrees, dtype=np.int64), return_counts=True)
    cols, col_counts = np.unique(np.asarray(col_degrees, dtype=np.int64), return_counts=True)
    p = _solve_classes(rows, row_counts, cols, col_counts)
    return Model(tuple(int(r) for r in rows), tuple(int(c) for c in cols), tuple(int(n) for n in col_counts), p)


def _solve_classes(rows: np.ndarray, row_counts: np.ndarray, cols: np.ndarray, col_counts: np.ndarray) -> np.ndarray:
    """Fixed-point iteration on the fitnesses x (bodies) and y (activities), one per degree class.

    A class left with nothing to do has probability 0; one that must do everything left has
    probability 1. Those are set aside, repeatedly, and the rest is solved for what is left.
    """
    p = np.full((len(rows), len(cols)), np.nan)
    free_r, free_c = np.ones(len(rows), dtype=bool), np.ones(len(cols), dtype=bool)
    while free_r.any() and free_c.any():
        given = np.nan_to_num(p)
        k = rows - (given * col_counts).sum(axis=1)  # what each row class still has to do
        h = cols - (given.T * row_counts).sum(axis=1)
        room_r = col_counts[free_c].sum()  # cells left in a row
        room_c = row_counts[free_r].sum()
        settled = False
        for value, rows_now, cols_now in (
            (0.0, free_r & (k <= 0), None),
            (1.0, free_r & (k >= room_r), None),
            (0.0, None, free_c & (h <= 0)),
            (1.0, None, free_c & (h >= room_c)),
        ):
            if rows_now is not None and rows_now.any():
                p[np.ix_(rows_now, free_c)] = value
                free_r &= ~rows_now
                settled = True
                break
            if cols_now is not None and cols_now.any():
                p[np.ix_(free_r, cols_now)] = value
                free_c &= ~cols_now
                settled = True
                break
        if not settled:
            p[np.ix_(free_r, free_c)] = _fixed_point(k[free_r], row_counts[free_r], h[free_c], col_counts[free_c])
            break
    return np.nan_to_num(p)


def _fixed_point(k: np.ndarray, m: np.ndarray, h: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Solve ``sum_c n_c p_rc = k_r`` and ``sum_r m_r p_rc = h_c`` with ``p_rc = x_r y_c / (1 + x_r y_c)``."""
    x = k / np.sqrt(max(k @ m, 1.0))
    y = h / np.sqrt(max(h @ n, 1.0))
    for _ in range(_MAX_ROUNDS):
        x_new = k / ((y / (1.0 + np.outer(x, y))) @ n)
        y_new = h / ((x_new[:, None] / (1.0 + np.outer(x_new, y))).T @ m)
        done = np.max(np.abs(np.log(x_new / x))) < _TOLERANCE and np.max(np.abs(np.log(y_new / y))) < _TOLERANCE
        x, y = x_new, y_new
        if done:
            break
    xy = np.outer(x, y)
    return xy / (1.0 + xy)


def pair_p_value(model: Model, degree_a: int, degree_b: int, shared: int) -> float:
    """``P(X >= shared)`` for two bodies of these degrees, X their chance count of shared activities.

    >>> m = solve([3, 3, 1, 1], [2, 2, 2, 1, 1])
    >>> pair_p_value(m, 3, 3, 0)
    1.0
    >>> 0 < pair_p_value(m, 3, 3, 3) < pair_p_value(m, 3, 3, 1) < 1
    True
    """
    return _p_value(model, degree_a, degree_b, shared)


@lru_cache(maxsize=65_536)
def _p_value(model: Model, degree_a: int, degree_b: int, shared: int) -> float:
    if shared <= 0:
        return 1.0
    a, b = model.row_degrees.index(degree_a), model.row_degrees.index(degree_b)
    chances = model.p[a] * model.p[b]
    # P(X <= shared - 1): the binomials of each activity class convolved, cut at shared - 1.
    below = np.zeros(shared)
    below[0] = 1.0
    for chance, count in zip(chances, model.col_counts, strict=True):
        if chance <= 0.0:
            continue
        below = np.convolve(below, _binomial(count, min(chance, 1.0), shared - 1))[:shared]
    return float(min(max(1.0 - below.sum(), 0.0), 1.0))


def pair_p_values(model: Model, degree_a: np.ndarray, degree_b: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """:func:`pair_p_value` for many pairs at once: each pair of degrees is worked out once, for
    the largest count any pair of them shares, and every pair reads its tail from that.

    >>> m = solve([3, 3, 1, 1], [2, 2, 2, 1, 1])
    >>> pair_p_values(m, np.array([3, 3]), np.array([3, 3]), np.array([1, 3])).tolist() == [
    ...     pair_p_value(m, 3, 3, 1), pair_p_value(m, 3, 3, 3)]
    True
    """
    out = np.ones(len(shared))
    if not len(shared):
        return out
    low, high = np.minimum(degree_a, degree_b), np.maximum(degree_a, degree_b)
    pairs, inverse = np.unique(np.stack([low, high]), axis=1, return_inverse=True)
    inverse = inverse.ravel()
    for k in range(pairs.shape[1]):
        mine = inverse == k
        tail = _tail(model, int(pairs[0, k]), int(pairs[1, k]), int(shared[mine].max()))
        out[mine] = tail[np.minimum(shared[mine], len(tail) - 1)]
    return out


def _tail(model: Model, degree_a: int, degree_b: int, most: int) -> np.ndarray:
    """``P(X >= s)`` for s = 0..most, for two bodies of these degrees."""
    a, b = model.row_degrees.index(degree_a), model.row_degrees.index(degree_b)
    chances = model.p[a] * model.p[b]
    pmf = np.zeros(most + 1)
    pmf[0] = 1.0
    for chance, count in zip(chances, model.col_counts, strict=True):
        if chance > 0.0:
            pmf = np.convolve(pmf, _binomial(count, min(chance, 1.0), most))[: most + 1]
    below = np.concatenate(([0.0], np.cumsum(pmf)[:-1]))  # P(X <= s - 1)
    return np.clip(1.0 - below, 0.0, 1.0)


def _binomial(count: int, chance: float, most: int) -> np.ndarray:
    """The binomial probabilities of 0..most successes in ``count`` tries (most <= count kept)."""
    out = np.zeros(most + 1)
    if chance >= 1.0:
        if count <= most:
            out[count] = 1.0
        return out
    k = np.arange(min(most, count) + 1)
    log = (
        gammaln(count + 1)
        - gammaln(k + 1)
        - gammaln(count - k + 1)
        + k * np.log(chance)
        + (count - k) * np.log1p(-chance)
    )
    out[: len(k)] = np.exp(log)
    return out


def expected_shared(model: Model, degree_a: int, degree_b: int) -> float:
    """How many activities two bodies of these degrees share on average by chance."""
    a, b = model.row_degrees.index(degree_a), model.row_degrees.index(degree_b)
    return float((model.p[a] * model.p[b] * np.asarray(model.col_counts)).sum())


def benjamini_hochberg(p_values: Sequence[float], tests: int | None = None) -> list[float]:
    """Benjamini–Hochberg q-values; ``tests`` counts every pair tested, including those not listed
    (a pair sharing nothing has p = 1 and is not passed in).

    >>> [round(q, 3) for q in benjamini_hochberg([0.01, 0.04, 0.03], tests=3)]
    [0.03, 0.04, 0.04]
    """
    count = len(p_values)
    m = max(tests or count, count)
    if not count:
        return []
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, count + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(count)
    q[order] = np.minimum(q_sorted, 1.0)
    return q.tolist()


def curveball(matrix: np.ndarray, rng: np.random.Generator, swaps: int | None = None) -> np.ndarray:
    """A binary matrix with the same row and column sums, drawn uniformly by curveball trades
    (Strona et al. 2014): the fixed degree sequence model the SDSM approximates.

    >>> M = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0]])
    >>> N = curveball(M, np.random.default_rng(0))
    >>> N.sum(axis=0).tolist() == M.sum(axis=0).tolist(), N.sum(axis=1).tolist() == M.sum(axis=1).tolist()
    (True, True)
    """
    rows = [set(np.flatnonzero(row).tolist()) for row in matrix]
    count = len(rows)
    for _ in range(swaps if swaps is not None else 5 * count):
        i, j = rng.choice(count, size=2, replace=False)
        only_i, only_j = list(rows[i] - rows[j]), list(rows[j] - rows[i])
        if not only_i or not only_j:
            continue
        pool = only_i + only_j
        rng.shuffle(pool)
        both = rows[i] & rows[j]
        rows[i] = both | set(pool[: len(only_i)])
        rows[j] = both | set(pool[len(only_i) :])
    out = np.zeros_like(matrix)
    for i, row in enumerate(rows):
        out[i, list(row)] = 1
    return out
