"""Opinion groups across layers: who rates alike, whatever their layer. Pure functions.

In: a rating matrix — one row per participant, one column per statement, 1 agree,
-1 disagree, 0 pass, NaN not rated. Out: two-dimensional coordinates per participant,
a group per participant and each group's most typical statements.

Method (written here; no AGPL code): only participants who rated at least MIN_RATED
statements take part, and only once there are at least MIN_PARTICIPANTS of them. A missing
rating is imputed with the statement's mean among those who rated it (it pulls nobody
anywhere). Columns are centred; PCA by singular value decomposition gives two dimensions.
k-means (k-means++ seeding from a fixed seed, several starts, the lowest inertia kept) runs
for k = 2 … 5 on those two dimensions, and the k with the highest mean silhouette wins (over
all participants, or over 600 of them drawn from a fixed seed in larger rounds).
A statement is typical of a group when the group agrees with it more than the others do:
the ratio of the smoothed agree shares, (a+1)/(n+2) inside over outside, among statements
the group agrees with on balance and more than the others.
"""

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

MIN_PARTICIPANTS = 15
MIN_RATED = 7
K_RANGE = range(2, 6)
STARTS = 8
SILHOUETTE_SAMPLE = 600


@dataclass(frozen=True)
class Typical:
    column: int
    agree_in: float  # smoothed agree share inside the group
    agree_out: float  # and among everyone else


@dataclass(frozen=True)
class Grouping:
    rows: list[int]  # indices (into the input) of the participants that take part
    coordinates: np.ndarray  # len(rows) × 2
    labels: np.ndarray  # group per row, 0 … k-1, numbered by size (largest first)
    k: int
    silhouette: float
    typical: dict[int, list[Typical]]


def project(matrix: np.ndarray) -> np.ndarray:
    """Impute, centre and project to the first two principal components (rows × 2)."""
    filled = matrix.astype(float).copy()
    means = np.nanmean(np.where(np.isnan(filled), np.nan, filled), axis=0)
    means = np.where(np.isnan(means), 0.0, means)
    missing = np.isnan(filled)
    filled[missing] = np.take(means, np.nonzero(missing)[1])
    centred = filled - filled.mean(axis=0)
    # The eigenvectors of the small statements × statements scatter matrix are the principal
    # axes; projecting on them gives the same coordinates as an SVD of the whole matrix, and
    # measured 5 s → 0.02 s on 2,000 × 150 here (the full SVD is slow on this machine's BLAS).
    _values, vectors = np.linalg.eigh(centred.T @ centred)
    axes = vectors[:, ::-1][:, :2]
    coordinates = centred @ axes
    if coordinates.shape[1] < 2:
        coordinates = np.hstack([coordinates, np.zeros((coordinates.shape[0], 2 - coordinates.shape[1]))])
    return coordinates


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """points × centres squared distances, one coordinate at a time (a reduction over the
    last axis of a points × centres × 2 array is several times slower)."""
    total = np.zeros((len(points), len(centres)))
    for d in range(points.shape[1]):
        diff = points[:, d, None] - centres[None, :, d]
        total += diff * diff
    return total


def kmeans(points: np.ndarray, k: int, *, seed: int = 0, iterations: int = 100) -> tuple[np.ndarray, float]:
    """Labels and inertia of the best of STARTS k-means runs with k-means++ seeding."""
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = None, np.inf
    for _ in range(STARTS):
        centres = [points[rng.integers(len(points))]]
        for _c in range(1, k):
            distance = _squared_distances(points, np.array(centres)).min(axis=1)
            total = distance.sum()
            pick = rng.choice(len(points), p=distance / total) if total > 0 else rng.integers(len(points))
            centres.append(points[pick])
        centres = np.array(centres, dtype=float)
        labels = np.zeros(len(points), dtype=int)
        for _i in range(iterations):
            new_labels = _squared_distances(points, centres).argmin(axis=1)
            if _i and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            sizes = np.bincount(labels, minlength=k)
            for d in range(points.shape[1]):
                sums = np.bincount(labels, weights=points[:, d], minlength=k)
                # An emptied centre stays where it was, as before.
                centres[:, d] = np.where(sizes > 0, sums / np.maximum(sizes, 1), centres[:, d])
        inertia = float(((points - centres[labels]) ** 2).sum())
        if inertia < best_inertia:
            best_labels, best_inertia = labels, inertia
    return best_labels, best_inertia


def distances(points: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distances from the points `rows` (default: all) to every point."""
    return np.sqrt(_squared_distances(points if rows is None else points[rows], points))


def silhouette_rows(n: int, *, seed: int = 0) -> np.ndarray:
    """The participants whose silhouette is averaged: all of them up to SILHOUETTE_SAMPLE,
    else that many drawn from a fixed seed (each still measured against everyone). The full
    n × n distance matrix at 2,000 participants took most of the grouping's time."""
    if n <= SILHOUETTE_SAMPLE:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, SILHOUETTE_SAMPLE, replace=False))


def silhouette(
    points: np.ndarray, labels: np.ndarray, distance: np.ndarray | None = None, rows: np.ndarray | None = None
) -> float:
    """Mean silhouette over `rows` (default: every point): (b − a) / max(a, b) per point, a the
    mean distance within its own group, b the smallest mean distance to another group; 0 for
    a point alone in its group. `distance` is distances(points, rows) when given."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    rows = np.arange(len(points)) if rows is None else rows
    distance = distances(points, rows) if distance is None else distance
    members = (labels[:, None] == groups[None, :]).astype(float)
    sums = distance @ members  # rows × k: each point's summed distance to every group
    sizes = members.sum(axis=0).astype(int)
    own = np.searchsorted(groups, labels[rows])
    own_size = sizes[own]
    index = np.arange(len(rows))
    a = np.where(own_size > 1, sums[index, own] / np.maximum(own_size - 1, 1), 0.0)
    means = sums / sizes
    means[index, own] = np.inf
    b = means.min(axis=1)
    top = np.maximum(a, b)
    scores = np.where((own_size > 1) & (top > 0), (b - a) / np.where(top > 0, top, 1), 0.0)
    return float(scores.mean())


def typical_statements(matrix: np.ndarray, labels: np.ndarray, *, top: int = 3) -> dict[int, list[Typical]]:
    """Per group, the statements it agrees with most compared with everyone else."""
    agree = matrix == 1
    rated = ~np.isnan(matrix)
    found = {}
    for group in np.unique(labels):
        inside = labels == group
        a_in, n_in = agree[inside].sum(axis=0), rated[inside].sum(axis=0)
        a_out, n_out = agree[~inside].sum(axis=0), rated[~inside].sum(axis=0)
        share_in, share_out = (a_in + 1) / (n_in + 2), (a_out + 1) / (n_out + 2)
        candidates = [c for c in range(matrix.shape[1]) if share_in[c] > 0.5 and share_in[c] > share_out[c]]
        candidates.sort(key=lambda c: (-(share_in[c] / share_out[c]), c))
        found[int(group)] = [Typical(c, float(share_in[c]), float(share_out[c])) for c in candidates[:top]]
    return found


def opinion_groups(matrix: np.ndarray, *, seed: int = 0) -> Grouping | None:
    """The opinion groups of a rating matrix, or None while too few participants rated enough."""
    # One BLAS thread: the matrices are small, and on a busy 2-core machine OpenBLAS's own
    # threads made eigh of 150 × 150 take 670 ms instead of 15–27 ms (measured here).
    with threadpool_limits(limits=1, user_api="blas"):
        return _opinion_groups(np.asarray(matrix, dtype=float), seed)


def _opinion_groups(matrix: np.ndarray, seed: int) -> Grouping | None:
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        return None
    rows = np.flatnonzero((~np.isnan(matrix)).sum(axis=1) >= MIN_RATED).tolist()
    if len(rows) < MIN_PARTICIPANTS:
        return None
    kept = matrix[rows]
    points = project(kept)
    best = None
    sample = silhouette_rows(len(points), seed=seed)
    distance = distances(points, sample)
    for k in K_RANGE:
        if k >= len(rows):
            break
        labels, _inertia = kmeans(points, k, seed=seed)
        score = silhouette(points, labels, distance, sample)
        if best is None or score > best[1] + 1e-9:
            best = (labels, score, k)
    labels, score, k = best
    # Number the groups by size, so that "group 1" is the largest whatever the seed.
    order = sorted(np.unique(labels), key=lambda g: (-(labels == g).sum(), g))
    renumber = {int(old): new for new, old in enumerate(order)}
    labels = np.array([renumber[int(g)] for g in labels])
    return Grouping(rows, points, labels, k, score, typical_statements(kept, labels))
