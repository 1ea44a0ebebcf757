"""The test against chance: the BiCM's probabilities, SDSM p-values against the fixed degree
sequence model sampled by curveball, Benjamini–Hochberg, and planted duplicates among random bodies."""

import numpy as np
import pytest

from graph.analysis.overlaps import overlaps
from graph.analysis.sdsm import benjamini_hochberg, curveball, pair_p_value, solve


def _matrix(seed: int, rows: int, cols: int, low: float, high: float) -> np.ndarray:
    """A random body x activity matrix with uneven popularity and uneven activity."""
    rng = np.random.default_rng(seed)
    chance = np.linspace(low, high, cols)[None, :] * np.linspace(0.5, 1.5, rows)[:, None]
    matrix = (rng.random((rows, cols)) < chance).astype(int)
    return matrix[matrix.sum(axis=1) > 0][:, matrix.sum(axis=0) > 0]


def _cells(model, matrix):
    rows, cols = matrix.sum(axis=1), matrix.sum(axis=0)
    return np.array([[model.probability(int(r), int(c)) for c in cols] for r in rows])


def test_the_bicm_gives_every_body_and_activity_its_degree_on_average():
    matrix = _matrix(1, 30, 40, 0.05, 0.4)
    p = _cells(solve(matrix.sum(axis=1).tolist(), matrix.sum(axis=0).tolist()), matrix)
    assert np.allclose(p.sum(axis=1), matrix.sum(axis=1), atol=1e-6)
    assert np.allclose(p.sum(axis=0), matrix.sum(axis=0), atol=1e-6)


def test_bodies_doing_nothing_or_everything_are_set_aside():
    # row 0 does every activity; row 3 nothing; column 0 is done by every body that does anything
    matrix = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 0]])
    model = solve(matrix.sum(axis=1).tolist(), matrix.sum(axis=0).tolist())
    assert model.probability(3, 3) == 1.0 and model.probability(0, 2) == 0.0
    assert np.allclose(_cells(model, matrix).sum(axis=1), matrix.sum(axis=1), atol=1e-6)


def test_sdsm_p_values_agree_with_the_curveball_simulation_within_its_error():
    """The SDSM approximates the fixed degree sequence model (FDSM), which keeps every degree
    exactly; curveball trades sample the FDSM uniformly. Because the SDSM lets degrees vary, the
    two differ a little (on this matrix the mean difference is about 0.02); where a pair could be
    significant (the FDSM's p below 0.2) the SDSM is never below the FDSM beyond the simulation's
    error: it does not call a pair more than chance that the FDSM explains. They rank pairs alike."""
    rng = np.random.default_rng(5)
    matrix = _matrix(4, 50, 30, 0.05, 0.3)
    rows = matrix.sum(axis=1)
    model = solve(rows.tolist(), matrix.sum(axis=0).tolist())
    together = matrix @ matrix.T
    pairs = [(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows))]
    sdsm = np.array([pair_p_value(model, int(rows[i]), int(rows[j]), int(together[i, j])) for i, j in pairs])
    samples, hits, sample = 600, np.zeros(len(pairs)), matrix.copy()
    for _ in range(100):  # burn in
        sample = curveball(sample, rng)
    a, b = np.array(pairs).T
    for _ in range(samples):
        sample = curveball(sample, rng, swaps=2 * len(rows))
        hits += (sample @ sample.T)[a, b] >= together[a, b]
    fdsm = hits / samples
    error = np.sqrt(np.maximum(fdsm * (1 - fdsm), 1 / samples) / samples)
    tail = fdsm < 0.2
    assert tail.sum() >= 20
    assert np.all(sdsm[tail] >= fdsm[tail] - 3 * error[tail])  # never claims more than chance allows
    assert np.mean(np.abs(sdsm - fdsm)) < 0.05
    assert np.corrcoef(np.argsort(np.argsort(sdsm)), np.argsort(np.argsort(fdsm)))[0, 1] > 0.97
    assert np.mean((sdsm < 0.05) == (fdsm < 0.05)) > 0.95  # they agree on what is significant


def test_benjamini_hochberg_counts_the_pairs_not_listed():
    assert benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert benjamini_hochberg([0.01], tests=10) == pytest.approx([0.1])
    assert benjamini_hochberg([]) == []


def _planted(make, rationale=None):
    """46 bodies doing 5 random topics each (some topics more popular), two popular bodies doing
    20 each, and a planted pair doing the same 6 topics."""
    rng = np.random.default_rng(7)
    m = make()
    weights = np.linspace(3, 1, 80) / np.linspace(3, 1, 80).sum()
    for i in range(46):
        for t in rng.choice(80, size=5, replace=False, p=weights):
            m.edge(f"initiative:c{i}", "works_on", f"topic:t{t}")
    for body in ("initiative:popular-1", "initiative:popular-2"):
        for t in rng.choice(80, size=20, replace=False, p=weights):
            m.edge(body, "works_on", f"topic:t{t}")
    for body in ("initiative:twin-1", "initiative:twin-2"):
        for t in (3, 17, 31, 45, 59, 73):
            m.edge(body, "works_on", f"topic:t{t}", rationale=rationale)
    return m.graph()


def _pair(result, a, b):
    return next(p for p in result["pairs"] if {p["a"]["id"], p["b"]["id"]} == {a, b})


def test_a_planted_duplicate_is_significant_and_a_chance_pair_of_popular_bodies_is_not(make):
    result = overlaps(_planted(make), "initiative", limit=None)
    twins = _pair(result, "initiative:twin-1", "initiative:twin-2")
    popular = _pair(result, "initiative:popular-1", "initiative:popular-2")
    assert twins["significant"] and twins["q_value"] <= 0.05 and twins["strength"] == "strong"
    assert len(popular["shared"]) >= len(twins["shared"]) - 1  # they share nearly as much...
    assert not popular["significant"] and popular["strength"] == "weak"  # ...but no more than chance
    assert popular["expected"] > twins["expected"]
    assert [p["strength"] for p in result["pairs"]].count("strong") == 1
    assert result["summary"].startswith("1 pair of initiatives shares more than chance explains")


def test_a_planted_duplicate_on_inference_alone_is_significant_but_weak(make):
    result = overlaps(_planted(make, rationale="a reading"), "initiative", limit=None)
    twins = _pair(result, "initiative:twin-1", "initiative:twin-2")
    assert twins["significant"] and twins["strength"] == "weak" and not twins["duplication"]
    assert "not on what the report states" in result["summary"]
