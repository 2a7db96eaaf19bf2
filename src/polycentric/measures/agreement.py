"""Pairwise agreement between states: simple agreement, Lijphart's index, the Signorino–Ritter S-score.

Every index is the mean, over the roll calls on which both states cast a vote
(their *shared votes*, reported as ``n_shared``), of a per-roll-call score
``s(x_a, x_b)``:

==============  ==================================================  =========
index           score of one shared roll call                       range
==============  ==================================================  =========
``simple``      1 if the votes are the same, else 0                 [0, 1]
``lijphart``    1 same vote; 0.5 one abstains, the other votes      [0, 1]
                Y or N; 0 one Y, the other N (Lijphart 1963)
``s``           1 - 2 |x_a - x_b| / d_max on the ordinal scale      [-1, 1]
                Y = 1, A = 0.5, N = 0 (d_max = 1) (Signorino &
                Ritter 1999)
``s_squared``   1 - 2 (x_a - x_b)^2 / d_max^2: the S-score with     [-1, 1]
                squared distances
==============  ==================================================  =========

With the absolute-distance metric the S-score is an affine map of Lijphart's
index: ``S = 2 * lijphart - 1`` (the tests check this identity).

Absences (``X``, a member that did not vote) are excluded by default, as is
usual (Voeten's data and most of the literature): a roll call counts for a pair
only when both states voted Y, N or A. With ``absent="abstain"`` an absence is
read as an abstention instead.

References
----------
Lijphart, A. (1963). The Analysis of Bloc Voting in the General Assembly: A
Critique and a Proposal. *American Political Science Review* 57(4), 902–917.

Signorino, C. S. & Ritter, J. M. (1999). Tau-b or Not Tau-b: Measuring the
Similarity of Foreign Policy Positions. *International Studies Quarterly* 43(1),
115–144.

Stored counts
-------------
Every index is a ratio of sums over roll calls (shared votes, identical votes,
opposite votes), so it decomposes exactly over periods. :class:`PairCounts` holds
these sums for every pair of states in every (year, session) of a record;
:func:`agreement`, :func:`agreement_matrix` and
:func:`polycentric.measures.alignment.alignment` read any state, index and year
range from them (``counts=``) as a sum over periods, with the same result as the
direct computation over the votes. ``polycentric build`` stores them for the
General Assembly (:func:`polycentric.models.precompute.load_pair_counts`).

Dependency rule: imports numpy, polars, ``polycentric.errors`` and ``polycentric.measures._common``.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import polars as pl

from polycentric.errors import InsufficientDataError, MeasureError, PolycentricError, UnknownStateError
from polycentric.measures._common import (
    CAST,
    MIN_ROLLCALLS,
    YearSpec,
    check_unique,
    check_votes,
    filter_years,
    group_majority,
    membership_frame,
    parse_years,
    time_keys,
)

__all__ = [
    "INDICES",
    "AgreementMatrix",
    "Index",
    "PairCounts",
    "agreement",
    "agreement_matrix",
    "agreement_pairs",
    "prepare_votes",
    "score_expr",
]

Index: TypeAlias = Literal["simple", "lijphart", "s", "s_squared"]
INDICES: tuple[str, ...] = ("simple", "lijphart", "s", "s_squared")
"""The agreement indices: simple, Lijphart, Signorino–Ritter S (absolute), S with squared distances."""

Absent: TypeAlias = Literal["exclude", "abstain"]

_ORDINAL = {"Y": 1.0, "A": 0.5, "N": 0.0}


def _check_index(index: str) -> str:
    if index not in INDICES:
        raise MeasureError(f"unknown agreement index {index!r}: expected one of {', '.join(INDICES)}")
    return index


def _indices(index: str | Sequence[str]) -> list[str]:
    return [_check_index(i) for i in ([index] if isinstance(index, str) else index)]


def _index_value(index: str, shared: np.ndarray, same: np.ndarray, opposite: np.ndarray) -> np.ndarray:
    """The index from the counts: the sum of the per-roll-call scores over ``shared`` (NaN where it is 0).

    A shared roll call scores 1 (same vote), -1 (Y against N) or, when one abstains and the other
    votes Y or N (``half = shared - same - opposite``), 0 (simple), 0.5 (Lijphart), 0 (S) or 0.5 (S
    with squared distances). The sums are exact in floating point, so the value equals the mean of
    :func:`score_expr` over the shared roll calls to the last bit.
    """
    shared = np.asarray(shared, dtype=np.float64)
    same = np.asarray(same, dtype=np.float64)
    opposite = np.asarray(opposite, dtype=np.float64)
    half = shared - same - opposite
    if index == "simple":
        total = same
    elif index == "lijphart":
        total = same + 0.5 * half
    elif index == "s":
        total = same - opposite
    else:
        total = same + 0.5 * half - opposite
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total / shared
    return np.where(shared > 0, value, np.nan)


def _check_absent(absent: str) -> None:
    if absent not in ("exclude", "abstain"):
        raise MeasureError(f"absent={absent!r}: expected 'exclude' or 'abstain'")


def _shared_same(block: np.ndarray, absent: str) -> tuple[np.ndarray, np.ndarray]:
    """Shared and identical votes of a block of pair counts (last axis: shared, same, opposite, and the two counts
    an absence adds when read as an abstention)."""
    _check_absent(absent)
    if absent == "abstain":
        return block[..., 0] + block[..., 3], block[..., 1] + block[..., 4]
    return block[..., 0], block[..., 1]


def prepare_votes(votes: pl.DataFrame, absent: Absent = "exclude") -> pl.DataFrame:
    """The votes that count for agreement: Y, N, A (X dropped, or read as A with ``absent="abstain"``)."""
    check_votes(votes, ("rollcall_id", "vote"))
    if absent == "exclude":
        return votes.filter(pl.col("vote").is_in(CAST))
    if absent == "abstain":
        return votes.with_columns(pl.col("vote").replace("X", "A"))
    raise MeasureError(f"absent={absent!r}: expected 'exclude' or 'abstain'")


def score_expr(index: str, a: str = "vote_a", b: str = "vote_b") -> pl.Expr:
    """Polars expression of the per-roll-call agreement score of columns ``a`` and ``b`` (votes Y/N/A).

    simple: ``[x_a = x_b]``; lijphart: 1, 0.5 (one abstains) or 0 (Y against N);
    s: ``1 - 2|x_a - x_b|``; s_squared: ``1 - 2(x_a - x_b)^2`` with Y = 1, A = 0.5, N = 0.
    """
    _check_index(index)
    va, vb = pl.col(a), pl.col(b)
    if index == "simple":
        return (va == vb).cast(pl.Float64)
    if index == "lijphart":
        return pl.when(va == vb).then(1.0).when((va == "A") | (vb == "A")).then(0.5).otherwise(0.0).cast(pl.Float64)
    xa = va.replace_strict(_ORDINAL, return_dtype=pl.Float64)
    xb = vb.replace_strict(_ORDINAL, return_dtype=pl.Float64)
    if index == "s":
        return 1.0 - 2.0 * (xa - xb).abs()
    return 1.0 - 2.0 * (xa - xb) ** 2


class AgreementMatrix(NamedTuple):
    """Agreement of every pair of states: ``states[i]`` by ``states[j]``.

    ``matrix[i, j]`` is the index value (NaN where the pair shares no vote) and
    ``n_shared[i, j]`` the number of shared votes; both are symmetric and the
    diagonal holds each state with itself (value 1 wherever it voted).
    """

    states: list[str]
    matrix: np.ndarray
    n_shared: np.ndarray

    def to_frame(self, index: str | None = None, *, include_self: bool = False, min_shared: int = 1) -> pl.DataFrame:
        """Long format: one row per unordered pair ``state_a < state_b``.

        Columns ``state_a, state_b, [index], value, n_shared`` (``index`` is a
        constant column naming the index when given); pairs with fewer than
        ``min_shared`` shared votes are left out.
        """
        n = len(self.states)
        k = 0 if include_self else 1
        ia, ib = np.triu_indices(n, k=k)
        names = np.asarray(self.states, dtype=object)
        df = pl.DataFrame(
            {
                "state_a": names[ia].tolist(),
                "state_b": names[ib].tolist(),
                "index": [index] * len(ia),
                "value": self.matrix[ia, ib].astype(np.float64),
                "n_shared": self.n_shared[ia, ib].astype(np.int64),
            },
            schema={
                "state_a": pl.String,
                "state_b": pl.String,
                "index": pl.String,
                "value": pl.Float64,
                "n_shared": pl.Int64,
            },
        )
        df = df.filter(pl.col("n_shared") >= min_shared).with_columns(pl.col("value").fill_nan(None))
        return df if index is not None else df.drop("index")


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run BLAS on one thread: these (states × roll calls) products are small, and several
    BLAS threads on a busy machine are many times slower than one."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def agreement_matrix(
    votes: pl.DataFrame,
    index: Index = "simple",
    *,
    absent: Absent = "exclude",
    states: Sequence[str] | None = None,
) -> AgreementMatrix:
    """Agreement of all pairs of states over all the roll calls in ``votes``, in one pass.

    With indicator matrices Y, A, N (states × roll calls; 1 where the state voted
    so) and P = Y + A + N (cast a vote), five matrix products give every pair's
    counts at once::

        n_shared = P Pᵀ
        same     = Y Yᵀ + A Aᵀ + N Nᵀ
        opposite = Y Nᵀ + N Yᵀ                (one Y, the other N)
        half     = n_shared - same - opposite (one abstains, the other votes Y or N)

    and then

    - simple     = same / n_shared
    - lijphart   = (same + half / 2) / n_shared                       (Lijphart 1963)
    - s          = 1 - 2 (half / 2 + opposite) / n_shared              (Signorino & Ritter 1999;
      ordinal Y = 1, A = 0.5, N = 0, absolute distance, d_max = 1)
    - s_squared  = 1 - 2 (half / 4 + opposite) / n_shared              (squared distance)

    Parameters
    ----------
    votes
        A VOTES_VIEW-shaped frame (at least ``rollcall_id``, ``state``, ``vote``).
    index
        ``"simple"``, ``"lijphart"``, ``"s"`` or ``"s_squared"``.
    absent
        ``"exclude"`` (default): X votes are left out; ``"abstain"``: X counts as A.
    states
        Restrict (and order) the rows and columns; default: every state in ``votes``, sorted.

    Returns
    -------
    AgreementMatrix
        ``(states, matrix, n_shared)``; ``.to_frame(index)`` gives the long format.

    References
    ----------
    Lijphart (1963) APSR 57(4); Signorino & Ritter (1999) ISQ 43(1).
    """
    _check_index(index)
    v = prepare_votes(votes, absent).select("rollcall_id", "state", "vote")
    if states is not None:
        v = v.filter(pl.col("state").is_in(list(states)))
    names = sorted(v["state"].unique().to_list()) if states is None else list(dict.fromkeys(states))
    n_states = len(names)
    if n_states == 0 or v.height == 0:
        raise InsufficientDataError("no votes to compute agreement on")
    lookup = pl.DataFrame({"state": names, "_s": np.arange(n_states, dtype=np.int64)})
    coded = v.join(lookup, on="state", how="inner").select(
        "_s",
        (pl.col("rollcall_id").rank("dense") - 1).cast(pl.Int64).alias("_r"),
        pl.col("vote").replace_strict({"Y": 0, "A": 1, "N": 2}, return_dtype=pl.Int8).alias("_v"),
    )
    n_rc = int(coded["_r"].max()) + 1  # type: ignore[arg-type]
    si, ri, code = (coded[c].to_numpy() for c in ("_s", "_r", "_v"))
    # 0/1 indicator matrices; float32 counts are exact up to 2**24 roll calls.
    y, a, n = (np.zeros((n_states, n_rc), dtype=np.float32) for _ in range(3))
    for k, m in enumerate((y, a, n)):
        sel = code == k
        m[si[sel], ri[sel]] = 1.0
    p = y + a + n
    if p.max() > 1 or int(p.sum()) != coded.height:
        check_unique(v)  # raises with an example of the duplicate
    with _one_blas_thread():
        shared = (p @ p.T).astype(np.float64)
        same = (y @ y.T + a @ a.T + n @ n.T).astype(np.float64)
        yn = (y @ n.T).astype(np.float64)
    value = _index_value(index, shared, same, yn + yn.T)
    return AgreementMatrix(names, value, shared.astype(np.int64))


def agreement_pairs(
    votes: pl.DataFrame,
    index: Index = "simple",
    *,
    by: str | None = None,
    years: YearSpec = None,
    absent: Absent = "exclude",
    states: Sequence[str] | None = None,
    min_shared: int = 1,
) -> pl.DataFrame:
    """Agreement of every pair of states, long format, pooled or per year/session.

    Computed with :func:`agreement_matrix` (one pass per period). Columns
    ``state_a, state_b, [by], index, value, n_shared``, one row per unordered
    pair (``state_a < state_b``) with at least ``min_shared`` shared votes.
    Formulas and sources: see :func:`agreement_matrix`.
    """
    keys = time_keys(by)
    v = filter_years(votes, years)
    parts: list[pl.DataFrame] = []
    if not keys:
        parts.append(agreement_matrix(v, index, absent=absent, states=states).to_frame(index, min_shared=min_shared))
    else:
        for key, chunk in sorted(v.partition_by(keys, as_dict=True).items(), key=lambda kv: str(kv[0])):
            try:
                frame = agreement_matrix(chunk, index, absent=absent, states=states).to_frame(
                    index, min_shared=min_shared
                )
            except InsufficientDataError:
                continue
            parts.append(frame.with_columns(pl.lit(key[0], dtype=votes.schema[keys[0]]).alias(keys[0])))
    if not parts:
        raise InsufficientDataError("no votes to compute agreement on")
    out = pl.concat(parts)
    return out.select("state_a", "state_b", *keys, "index", "value", "n_shared")


def agreement(
    votes: pl.DataFrame,
    a: str,
    b: str,
    index: Index | Sequence[Index] = "simple",
    *,
    by: str | None = "year",
    years: YearSpec = None,
    absent: Absent = "exclude",
    counts: PairCounts | None = None,
) -> pl.DataFrame:
    """Agreement of two states, per year (or session, or pooled with ``by=None``).

    ``value`` is the mean over shared roll calls of the per-roll-call score of
    :func:`score_expr`: simple agreement, Lijphart's index of agreement
    (abstention counts half; Lijphart 1963 APSR) or the Signorino–Ritter
    S-score ``1 - 2 Σ|x_a - x_b| / (n d_max)`` with Y = 1, A = 0.5, N = 0 and
    d_max = 1 (Signorino & Ritter 1999 ISQ). Absences are excluded by default.

    With ``counts`` (the :class:`PairCounts` of the same votes, as ``polycentric build`` stores them)
    the result is read from the stored per-period sums instead of the votes (the same rows and values;
    ``by="session_number"`` still reads the votes).

    Returns
    -------
    polars.DataFrame
        ``state_a, state_b, [by], index, value, n_shared, thin`` (``n_shared``: the roll
        calls the value rests on; ``thin``: fewer than ``MIN_ROLLCALLS`` = 10); periods where the two
        states share no vote have no row.

    Raises
    ------
    UnknownStateError
        ``a`` or ``b`` has no row at all in ``votes`` for ``years`` (a misspelt id,
        or a state that was not a UN member then), rather than an empty result.
    """
    indices = _indices(index)
    keys = time_keys(by)
    if counts is not None and by in (None, "year", "session"):
        _check_absent(absent)
        return _agreement_from_counts(counts, a, b, indices, keys, years, absent)
    selected = filter_years(votes, years)
    for state in (a, b):
        if selected.filter(pl.col("state") == state).height == 0:
            raise UnknownStateError(f"no votes by state {state!r} in the selection (states are ISO3 ids, e.g. USA)")
    v = prepare_votes(selected, absent)
    va = v.filter(pl.col("state") == a)
    vb = v.filter(pl.col("state") == b)
    check_unique(va)
    check_unique(vb)
    joined = va.select("rollcall_id", *keys, pl.col("vote").alias("vote_a")).join(
        vb.select("rollcall_id", pl.col("vote").alias("vote_b")), on="rollcall_id", how="inner"
    )
    frames = []
    for idx in indices:
        agg = (
            joined.group_by(keys or pl.lit(0).alias("_all"))
            .agg(score_expr(idx).mean().alias("value"), pl.len().cast(pl.Int64).alias("n_shared"))
            .with_columns(pl.lit(a).alias("state_a"), pl.lit(b).alias("state_b"), pl.lit(idx).alias("index"))
        )
        frames.append(
            agg.select(
                "state_a",
                "state_b",
                *keys,
                "index",
                "value",
                "n_shared",
                (pl.col("n_shared") < MIN_ROLLCALLS).alias("thin"),
            )
        )
    out = pl.concat(frames)
    return out.sort([*keys, "index"]) if keys else out.sort("index")


# ----------------------------------------------------------------------------- stored pairwise counts

_COUNT_NAMES = ("n_shared", "n_same", "n_opposite", "n_shared_x", "n_same_x")
"""The five counts of a pair of states in one period (see :class:`PairCounts`)."""

_COUNTS_FORMAT = 1


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Per-period sums over roll calls for every pair of states: agreement over any years is a sum of them.

    A period (a *cell*) is one (year, session) of the votes. ``counts[c, i, j, k]`` holds, for states
    ``states[i]`` and ``states[j]`` over the roll calls of cell ``c``, with Y, A, N, X the indicator
    matrices of each vote (states × roll calls) and P = Y + A + N:

    ==================  ===========================  =====================================================
    k                   count                        matrix form
    ==================  ===========================  =====================================================
    0 ``n_shared``      both cast a vote (Y, N, A)   P Pᵀ
    1 ``n_same``        the same vote                Y Yᵀ + A Aᵀ + N Nᵀ
    2 ``n_opposite``    one Y, the other N           Y Nᵀ + N Yᵀ
    3 ``n_shared_x``    added when X counts as A     P Xᵀ + X Pᵀ + X Xᵀ
    4 ``n_same_x``      added when X counts as A     A Xᵀ + X Aᵀ + X Xᵀ
    ==================  ===========================  =====================================================

    Every index of this module is ``Σ score / n_shared`` with the per-roll-call score a function of
    same / opposite / one-abstains (:func:`_index_value`), so the value over any set of periods is
    computed exactly from the summed counts (with ``absent="abstain"`` from ``n_shared + n_shared_x``
    and ``n_same + n_same_x``). ``counts[c, i, i, 0] + counts[c, i, i, 3]`` is the number of votes
    (any code) state ``i`` has in cell ``c``: whether it has a row at all there.

    Build with :meth:`from_votes`; :meth:`save` and :meth:`load` (memory-mapped: a query reads only
    the cells and rows it needs) keep it beside a record version. The matrices are symmetric.

    Attributes
    ----------
    states
        State ids, sorted (the rows and columns).
    years, sessions
        Per cell: its year (int) and session (str).
    counts
        ``(cells, states, states, 5)`` unsigned integers.
    source
        Free text naming what the counts were built from (e.g. the record version).
    groups
        Group majorities kept as pseudo-states (rows ``"group:<id>"``, the plurality position of the
        members on each roll call as :func:`polycentric.measures._common.group_majority` gives it): group
        id -> a digest of the membership they were computed with (:func:`membership_digest`; a group whose
        membership changed since is computed from the votes again).
    """

    states: tuple[str, ...]
    years: np.ndarray
    sessions: tuple[str, ...]
    counts: np.ndarray
    source: str = ""
    groups: dict[str, str] = field(default_factory=dict)

    # -- building and storing ---------------------------------------------------------------
    @classmethod
    def from_votes(cls, votes: pl.DataFrame, *, source: str = "", groups: Sequence[str] = ()) -> PairCounts:
        """The counts of every pair of states in every (year, session) of ``votes`` (VOTES_VIEW-shaped).

        ``groups``: registry group ids whose majorities are kept as pseudo-states ``"group:<id>"``
        (members only, not observers).

        Raises
        ------
        MeasureError
            A state has two votes on one roll call, or the frame lacks a column.
        InsufficientDataError
            ``votes`` is empty.
        """
        check_votes(votes, ("rollcall_id", "state", "vote", "year", "session"))
        if votes.height == 0:
            raise InsufficientDataError("no votes to count agreement on")
        digests = {}
        if groups:
            periods = votes.select("rollcall_id", "year", "session").unique("rollcall_id")
            extra = []
            for gid in dict.fromkeys(groups):
                digests[gid] = membership_digest(gid)
                majority = group_majority(votes, gid).select("rollcall_id", "vote")
                extra.append(majority.join(periods, on="rollcall_id").with_columns(pl.lit(f"group:{gid}").alias("state")))
            votes = pl.concat(
                [votes.select("rollcall_id", "state", "vote", "year", "session"),
                 *[e.select("rollcall_id", "state", "vote", "year", "session") for e in extra]],
                how="vertical_relaxed",
            )  # fmt: skip
        names = sorted(votes["state"].unique().to_list())
        cells = votes.select("year", "session").unique().sort("year", "session")
        cells = cells.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_c"))
        lookup = pl.DataFrame({"state": names, "_s": np.arange(len(names), dtype=np.int64)})
        coded = (
            votes.select("rollcall_id", "state", "vote", "year", "session")
            .join(cells, on=["year", "session"], how="left")
            .join(lookup, on="state", how="left")
            .select(
                "_c",
                "_s",
                "rollcall_id",
                pl.col("vote").replace_strict({"Y": 0, "A": 1, "N": 2, "X": 3}, return_dtype=pl.Int8).alias("_v"),
            )
            .sort("_c", "rollcall_id")
        )
        if coded.select(pl.struct("rollcall_id", "_s").is_duplicated().any()).item():
            check_unique(votes)  # raises naming an example
        n_cells, n_states = cells.height, len(names)
        cell, si, rc, code = (coded[c].to_numpy() for c in ("_c", "_s", "rollcall_id", "_v"))
        bounds = np.searchsorted(cell, np.arange(n_cells + 1))
        most = 0
        out = np.zeros((n_cells, n_states, n_states, len(_COUNT_NAMES)), dtype=np.int64)
        with _one_blas_thread():
            for c in range(n_cells):
                lo, hi = bounds[c], bounds[c + 1]
                _, r = np.unique(rc[lo:hi], return_inverse=True)
                n_rc = int(r.max()) + 1
                most = max(most, n_rc)
                ind = np.zeros((4, n_states, n_rc), dtype=np.float32)
                ind[code[lo:hi], si[lo:hi], r] = 1.0
                y, a, n, x = ind
                p = y + a + n
                px = p @ x.T
                ax = a @ x.T
                xx = x @ x.T
                yn = y @ n.T
                out[c, :, :, 0] = p @ p.T
                out[c, :, :, 1] = y @ y.T + a @ a.T + n @ n.T
                out[c, :, :, 2] = yn + yn.T
                out[c, :, :, 3] = px + px.T + xx
                out[c, :, :, 4] = ax + ax.T + xx
        dtype = np.uint8 if most <= np.iinfo(np.uint8).max else np.uint16 if most <= np.iinfo(np.uint16).max else np.uint32
        return cls(
            states=tuple(names),
            years=cells["year"].to_numpy().astype(np.int64),
            sessions=tuple(cells["session"].cast(pl.String).to_list()),
            counts=out.astype(dtype),
            source=source,
            groups=digests,
        )

    def save(self, folder: str | Path) -> Path:
        """Write ``counts.npy`` and ``cells.json`` (states, years, sessions, source) into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "counts.npy", np.ascontiguousarray(self.counts))
        meta = {
            "format": _COUNTS_FORMAT,
            "states": list(self.states),
            "years": [int(y) for y in self.years],
            "sessions": list(self.sessions),
            "source": self.source,
            "groups": self.groups,
            "counts": list(_COUNT_NAMES),
        }
        (folder / "cells.json").write_text(json.dumps(meta), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path, *, mmap: bool = True) -> PairCounts:
        """Read what :meth:`save` wrote (memory-mapped by default: nothing is read until a query needs it).

        Raises
        ------
        MeasureError
            The folder holds no counts, or counts of another format or shape.
        """
        folder = Path(folder)
        try:
            meta = json.loads((folder / "cells.json").read_text(encoding="utf-8"))
            counts = np.load(folder / "counts.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise MeasureError(f"no readable pair counts in {folder}: {exc}") from exc
        states, years, sessions = meta.get("states", []), meta.get("years", []), meta.get("sessions", [])
        expected = (len(years), len(states), len(states), len(_COUNT_NAMES))
        if meta.get("format") != _COUNTS_FORMAT or counts.shape != expected or len(sessions) != len(years):
            raise MeasureError(f"pair counts in {folder} have another format or shape ({counts.shape}, not {expected})")
        return cls(
            tuple(states),
            np.asarray(years, dtype=np.int64),
            tuple(sessions),
            counts,
            str(meta.get("source", "")),
            {str(k): str(v) for k, v in dict(meta.get("groups") or {}).items()},
        )

    def group_row(self, group: str) -> str | None:
        """The pseudo-state ``"group:<id>"`` of ``group``'s majority, when stored and its membership unchanged."""
        digest = self.groups.get(group)
        if digest is None:
            return None
        try:
            return f"group:{group}" if membership_digest(group) == digest else None
        except PolycentricError:
            return None

    # -- reading ---------------------------------------------------------------------------------
    def _cells(self, years: YearSpec) -> np.ndarray:
        """The indexes of the cells whose year is in ``years`` (as :func:`filter_years` selects votes).

        In NumPy: a query reads these a dozen times, and small Polars queries wait for Polars' thread pool
        when a whole-record computation holds it."""
        if years is None:
            return np.arange(len(self.years), dtype=np.int64)
        if isinstance(years, str):
            years = parse_years(years)
        if isinstance(years, int):
            keep = self.years == years
        elif isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, int) for y in years):
            keep = (self.years >= years[0]) & (self.years <= years[1])
        else:
            keep = np.isin(self.years, np.asarray(list(years), dtype=np.int64))
        return np.flatnonzero(keep).astype(np.int64)

    @functools.cached_property
    def _rows(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.states)}

    @functools.cached_property
    def _group_mask(self) -> np.ndarray:
        return np.asarray([s.startswith("group:") for s in self.states], dtype=bool)

    def index_of(self, state: str) -> int | None:
        """The row of ``state`` (``None``: it has no vote in these counts)."""
        return self._rows.get(state)

    def has_votes(self, state: str, years: YearSpec = None) -> bool:
        """Whether ``state`` has any vote row (Y, N, A or X) in ``years``."""
        i = self.index_of(state)
        if i is None:
            return False
        cells = self._cells(years)
        block = np.asarray(self.counts[cells, i, i], dtype=np.int64)
        return bool(block[:, 0].sum() + block[:, 3].sum() > 0)

    def versus(
        self, state: str, years: YearSpec = None, *, by: str | None = "year", absent: Absent = "exclude"
    ) -> pl.DataFrame:
        """Every state's summed counts with ``state``, per period: ``other, [by], n_shared, n_same, n_opposite``.

        One row per other state (``state`` itself included) and period with at least one shared vote.
        """
        keys = time_keys(by)
        if keys and keys[0] not in ("year", "session"):
            raise MeasureError(f"pair counts are kept per year and session, not per {keys[0]}")
        i = self.index_of(state)
        cells = self._cells(years)
        if i is None or cells.size == 0:
            return pl.DataFrame(
                schema={"other": pl.String, **{k: (pl.Int32 if k == "year" else pl.String) for k in keys},
                        "n_shared": pl.Int64, "n_same": pl.Int64, "n_opposite": pl.Int64}
            )  # fmt: skip
        block = np.asarray(self.counts[cells, i], dtype=np.int64)  # (cells, states, 5): row i is column i
        shared, same = _shared_same(block, absent)
        shared[:, self._group_mask] = 0  # other rows are states only (group majorities are references)
        opposite = block[:, :, 2]
        if keys:
            labels = self.years[cells] if keys[0] == "year" else np.asarray(self.sessions, dtype=object)[cells]
            periods, which = np.unique(labels, return_inverse=True)
        else:
            periods, which = np.zeros(1, dtype=np.int64), np.zeros(cells.size, dtype=np.int64)
        sums = np.zeros((len(periods), shared.shape[1], 3), dtype=np.int64)
        np.add.at(sums, which, np.stack([shared, same, opposite], axis=-1))
        period, other = np.nonzero(sums[:, :, 0] > 0)
        columns: dict[str, Any] = {"other": np.asarray(self.states, dtype=object)[other].tolist()}
        if keys:
            key_values = periods[period]
            columns[keys[0]] = key_values.astype(np.int32) if keys[0] == "year" else key_values.tolist()
        for k, name in enumerate(("n_shared", "n_same", "n_opposite")):
            columns[name] = sums[period, other, k]
        schema = {"other": pl.String, **{k: (pl.Int32 if k == "year" else pl.String) for k in keys},
                  "n_shared": pl.Int64, "n_same": pl.Int64, "n_opposite": pl.Int64}  # fmt: skip
        return pl.DataFrame(columns, schema=schema)

    def matrix(
        self,
        index: Index = "simple",
        *,
        years: YearSpec = None,
        states: Sequence[str] | None = None,
        absent: Absent = "exclude",
    ) -> AgreementMatrix:
        """:func:`agreement_matrix` pooled over ``years`` (a sum of the stored cells).

        ``states`` orders the rows (default: every state with a vote in ``years``, sorted); a named
        state without any vote row in ``years`` is left out, as the direct computation leaves it out.
        """
        _check_index(index)
        cells = self._cells(years)
        if cells.size == 0:
            raise InsufficientDataError("no votes to compute agreement on")
        if states is None:
            names = [s for s in self.states if not s.startswith("group:") and self.has_votes(s, years)]
        else:
            names = [s for s in dict.fromkeys(states) if self.has_votes(s, years)]
        if not names:
            raise InsufficientDataError("no votes to compute agreement on")
        rows = np.asarray([self.index_of(s) for s in names], dtype=np.int64)
        block = np.asarray(self.counts[np.ix_(cells, rows, rows)], dtype=np.int64).sum(axis=0)
        shared, same = _shared_same(block, absent)
        return AgreementMatrix(names, _index_value(index, shared, same, block[:, :, 2]), shared)


def membership_digest(group: str) -> str:
    """A digest of a registry group's membership spells (what its majority on each roll call depends on)."""
    import hashlib

    _gid, spells = membership_frame(group)
    ordered = spells.sort(spells.columns)
    return hashlib.sha256(ordered.write_csv().encode()).hexdigest()[:16]


def _agreement_from_counts(
    counts: PairCounts, a: str, b: str, indices: list[str], keys: list[str], years: YearSpec, absent: Absent
) -> pl.DataFrame:
    """:func:`agreement` read from stored counts (same columns, rows and values)."""
    for state in (a, b):
        if not counts.has_votes(state, years):
            raise UnknownStateError(f"no votes by state {state!r} in the selection (states are ISO3 ids, e.g. USA)")
    pair = counts.versus(a, years, by=keys[0] if keys else None, absent=absent).filter(pl.col("other") == b)
    if not keys:
        pair = pair.select(pl.col("n_shared", "n_same", "n_opposite").sum()).filter(pl.col("n_shared") > 0)
    frames = []
    for idx in indices:
        value = _index_value(idx, pair["n_shared"].to_numpy(), pair["n_same"].to_numpy(), pair["n_opposite"].to_numpy())
        frames.append(
            pair.select(
                pl.lit(a).alias("state_a"),
                pl.lit(b).alias("state_b"),
                *keys,
                pl.lit(idx).alias("index"),
                pl.Series("value", value, dtype=pl.Float64),
                pl.col("n_shared").cast(pl.Int64),
                (pl.col("n_shared") < MIN_ROLLCALLS).alias("thin"),
            )
        )
    out = pl.concat(frames)
    return out.sort([*keys, "index"]) if keys else out.sort("index")
