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

Dependency rule: imports numpy, polars, ``polycentric.errors`` and ``polycentric.measures._common``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Literal, NamedTuple, TypeAlias

import numpy as np
import polars as pl

from polycentric.errors import InsufficientDataError, MeasureError, UnknownStateError
from polycentric.measures._common import (
    CAST,
    MIN_ROLLCALLS,
    YearSpec,
    check_unique,
    check_votes,
    filter_years,
    time_keys,
)

__all__ = [
    "INDICES",
    "AgreementMatrix",
    "Index",
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
    opposite = yn + yn.T
    half = shared - same - opposite
    with np.errstate(invalid="ignore", divide="ignore"):
        if index == "simple":
            value = same / shared
        elif index == "lijphart":
            value = (same + 0.5 * half) / shared
        elif index == "s":
            value = 1.0 - 2.0 * (0.5 * half + opposite) / shared
        else:
            value = 1.0 - 2.0 * (0.25 * half + opposite) / shared
    value[shared == 0] = np.nan
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
) -> pl.DataFrame:
    """Agreement of two states, per year (or session, or pooled with ``by=None``).

    ``value`` is the mean over shared roll calls of the per-roll-call score of
    :func:`score_expr`: simple agreement, Lijphart's index of agreement
    (abstention counts half; Lijphart 1963 APSR) or the Signorino–Ritter
    S-score ``1 - 2 Σ|x_a - x_b| / (n d_max)`` with Y = 1, A = 0.5, N = 0 and
    d_max = 1 (Signorino & Ritter 1999 ISQ). Absences are excluded by default.

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
