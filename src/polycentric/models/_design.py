"""Data preparation of the ideal-point model (private): bridges, the design arrays and the start values.

:func:`build_design` turns a ``VOTES_VIEW`` frame (and the roll calls, for bridging
and issue codes) into the index arrays of
:class:`polycentric.models.idealpoints.IdealPointModel`; :func:`find_bridges`
finds the roll calls on identical resolutions that share item parameters;
:func:`start_theta` and :func:`start_items` give the deterministic start.

Dependency rule: imports numpy, scipy, polars, ``polycentric.errors`` and
``polycentric.models._ordinal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.stats import norm

from polycentric.errors import InputFormatError, InsufficientDataError
from polycentric.models import _ordinal as core

__all__ = ["Design", "build_design", "find_bridges", "normalise_text", "start_items", "start_theta"]

VOTE_TO_CODE = {"N": core.N_CODE, "A": core.A_CODE, "Y": core.Y_CODE}
_NON_WORD = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """Case-folded text with digits and punctuation removed and spaces collapsed (the bridging key)."""
    if text is None:
        return ""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text.lower())).strip()


def _normalised(text: pl.Expr) -> pl.Expr:
    """:func:`normalise_text` as a polars expression (vectorised)."""
    return text.str.to_lowercase().str.replace_all(r"[^a-z ]+", " ").str.replace_all(r"\s+", " ").str.strip_chars()


def find_bridges(roll_calls: pl.DataFrame, *, columns: tuple[str, ...] = ("title", "agenda")) -> pl.DataFrame:
    """Roll calls on identical resolutions in different sessions, which share item parameters.

    Two roll calls are bridged when both decide a whole resolution (``kind`` is
    ``"resolution"`` or null), they fall in different sessions, and their texts in
    ``columns`` are identical after :func:`normalise_text` (case, digits such as
    years and symbols, and punctuation ignored: "near-identical"). A text that
    appears more than once in one session is ambiguous there and that session's
    roll calls on it are not bridged; a non-empty text is required. This follows
    BSV (2017), who bridge sessions with identical resolutions.

    Returns
    -------
    polars.DataFrame
        One row per roll call of ``roll_calls``: ``rollcall_id``, ``session_number``,
        ``bridge`` (the id of its bridge group, the smallest ``rollcall_id`` in it,
        or null when it is not bridged) and ``n_sessions`` (sessions in its group).
    """
    present = [c for c in columns if c in roll_calls.columns]
    if not present:
        raise InputFormatError(f"roll calls need one of the columns {columns} to find bridges", field=columns[0])
    kind = pl.col("kind") if "kind" in roll_calls.columns else pl.lit(None, dtype=pl.String)
    key = pl.concat_str([_normalised(pl.col(c)).fill_null("") for c in present], separator=" | ")
    base = roll_calls.select(
        "rollcall_id",
        pl.col("session_number").cast(pl.Int32),
        key.alias("key"),
        (kind.is_null() | (kind == "resolution")).alias("whole"),
    )
    empty_key = " | ".join([""] * len(present))
    candidates = base.filter(pl.col("whole") & (pl.col("key") != empty_key))
    once = candidates.filter(pl.len().over("key", "session_number") == 1)
    groups = once.with_columns(
        pl.col("session_number").n_unique().over("key").alias("n_sessions"),
        pl.col("rollcall_id").min().over("key").alias("bridge"),
    ).filter(pl.col("n_sessions") > 1)
    return base.select("rollcall_id", "session_number").join(
        groups.select("rollcall_id", "bridge", pl.col("n_sessions").cast(pl.Int32)), on="rollcall_id", how="left"
    )


@dataclass
class Design:
    """The data of one fit as arrays."""

    states: list[str]
    unit_state: NDArray[np.intp]  # index into states
    unit_session: NDArray[np.int64]
    unit_year: NDArray[np.int64]
    unit_votes: NDArray[np.int64]
    item_groups: pl.DataFrame  # item, rollcall_ids (list), sessions (list)
    item_size: NDArray[np.float64]  # roll calls per item
    item_first_rollcall: NDArray[np.int64]
    rollcall_item: NDArray[np.intp]  # item of each roll call (order of rollcall_ids)
    obs: core.Observations
    obs_rollcall: NDArray[np.int64]  # raw roll call index per observation (order of codes below)
    obs_unit: NDArray[np.intp]
    obs_code: NDArray[np.int8]
    rollcall_ids: NDArray[np.int64]
    rollcall_session: NDArray[np.int64]
    dropped: pl.DataFrame
    bridges: pl.DataFrame

    def item_of(self, rollcall_id: int) -> int | None:
        """The item of a fitted roll call, or None."""
        k = int(np.searchsorted(self.rollcall_ids, rollcall_id))
        if k < self.rollcall_ids.size and self.rollcall_ids[k] == rollcall_id:
            return int(self.rollcall_item[k])
        return None


def build_design(votes: pl.DataFrame, roll_calls: pl.DataFrame | None, *, issue: str | None, bridge: bool) -> Design:
    """The arrays of one fit: votes coded, unanimous roll calls dropped, units and bridged items (see the model)."""
    needed = ("rollcall_id", "state", "vote", "session_number")
    for col in needed:
        if col not in votes.columns:
            raise InputFormatError(f"votes need a {col!r} column (VOTES_VIEW)", field=col)
    v = votes.select(
        pl.col("rollcall_id").cast(pl.Int64),
        pl.col("state").cast(pl.String),
        pl.col("vote").cast(pl.String),
        pl.col("session_number").cast(pl.Int64),
        (
            pl.col("year").cast(pl.Int64) if "year" in votes.columns else pl.col("session_number").cast(pl.Int64) + 1945
        ).alias("year"),
    )
    if roll_calls is None:
        roll_calls = (
            v.group_by("rollcall_id")
            .agg(pl.col("session_number").first())
            .with_columns(pl.lit(None, dtype=pl.String).alias("title"))
        )
    rc = roll_calls
    if issue is not None:
        col = f"issue_{issue}"
        if col not in rc.columns:
            raise InputFormatError(f"roll calls need a {col!r} column for issue {issue!r}", field=col)
        rc = rc.filter(pl.col(col).fill_null(False))
        v = v.join(rc.select(pl.col("rollcall_id").cast(pl.Int64)), on="rollcall_id", how="semi")
    v = v.filter(pl.col("vote").is_in(list(VOTE_TO_CODE)))  # X and nulls are missing data
    if v.height == 0:
        raise InsufficientDataError("no Yes/Abstain/No votes to fit")
    # integer encodings (numpy from here: the record has ~10^6 votes)
    code = v["vote"].replace_strict(VOTE_TO_CODE, return_dtype=pl.Int8).to_numpy()
    rollcall_ids, obs_rc = np.unique(v["rollcall_id"].to_numpy(), return_inverse=True)
    n_rc = rollcall_ids.size
    # roll calls with a single category carry no information on ideal points
    counts = np.bincount(obs_rc * 3 + code, minlength=3 * n_rc).reshape(n_rc, 3)
    informative = (counts > 0).sum(axis=1) > 1
    dropped = pl.DataFrame(
        {
            "rollcall_id": rollcall_ids[~informative],
            "reason": ["unanimous"] * int((~informative).sum()),
            "n": counts[~informative].sum(axis=1).astype(np.uint32),
        },
        schema={"rollcall_id": pl.Int64, "reason": pl.String, "n": pl.UInt32},
    )
    if not informative.any():
        raise InsufficientDataError("every roll call is unanimous: no information on ideal points")
    keep = informative[obs_rc]
    v = v.filter(pl.Series(keep))
    code = code[keep]
    rc_new = np.cumsum(informative) - 1
    obs_rc = rc_new[obs_rc[keep]]
    rollcall_ids = rollcall_ids[informative]
    n_rc = rollcall_ids.size
    session = v["session_number"].to_numpy()
    rollcall_session = np.zeros(n_rc, dtype=np.int64)
    rollcall_session[obs_rc] = session

    # units: (state, session) sorted by state then session
    states = v["state"].unique().sort().to_list()
    state_of_obs = v["state"].replace_strict({st: i for i, st in enumerate(states)}, return_dtype=pl.Int64)
    span = int(session.max()) + 1
    unit_keys, obs_unit = np.unique(state_of_obs.to_numpy() * span + session, return_inverse=True)
    n_units = unit_keys.size
    # duplicate (roll call, state) rows would count twice
    pair = np.sort(obs_unit.astype(np.int64) * n_rc + obs_rc)
    dup = int(np.count_nonzero(pair[1:] == pair[:-1]))
    if dup:
        raise InputFormatError(f"{dup} duplicate (rollcall_id, state) vote rows", field="state")
    # each session's year: the year most of its votes fall in (the earliest on ties)
    session_year = (
        v.group_by("session_number", "year")
        .len()
        .sort(["session_number", "len", "year"], descending=[False, True, False])
        .unique("session_number", keep="first")
    )
    year_of = dict(zip(session_year["session_number"].to_list(), session_year["year"].to_list(), strict=True))
    unit_session = unit_keys % span

    # roll calls -> items (bridging)
    rc_ids = pl.DataFrame({"rollcall_id": rollcall_ids, "session_number": rollcall_session})
    if bridge and roll_calls is not None and any(c in rc.columns for c in ("title", "agenda")):
        rc_in = rc.with_columns(pl.col("rollcall_id").cast(pl.Int64)).join(
            rc_ids.select("rollcall_id"), on="rollcall_id", how="semi"
        )
        if "session_number" not in rc_in.columns:
            rc_in = rc_in.join(rc_ids, on="rollcall_id")
        br = find_bridges(rc_in)
    else:
        br = rc_ids.with_columns(pl.lit(None, dtype=pl.Int64).alias("bridge"))
    rc_ids = rc_ids.join(br.select("rollcall_id", "bridge"), on="rollcall_id", how="left", maintain_order="left")
    item_key = rc_ids["bridge"].fill_null(rc_ids["rollcall_id"]).to_numpy()
    _, rc_item = np.unique(item_key, return_inverse=True)
    n_items = int(rc_item.max()) + 1
    item_size = np.bincount(rc_item, minlength=n_items)
    bridges = (
        rc_ids.with_columns(pl.Series("bridged", item_size[rc_item] > 1))
        .group_by("session_number")
        .agg(pl.len().alias("n_rollcalls"), pl.col("bridged").sum().alias("n_bridged"))
        .sort("session_number")
        .rename({"session_number": "session"})
    )
    item_groups = (
        rc_ids.with_columns(pl.Series("item", rc_item, dtype=pl.Int32))
        .group_by("item")
        .agg(pl.col("rollcall_id").alias("rollcall_ids"), pl.col("session_number").alias("sessions"))
        .sort("item")
    )
    item_first = np.full(n_items, np.iinfo(np.int64).max)
    np.minimum.at(item_first, rc_item, rollcall_ids)
    obs_item = rc_item[obs_rc]
    return Design(
        states=states,
        unit_state=(unit_keys // span).astype(np.intp),
        unit_session=unit_session.astype(np.int64),
        unit_year=np.array([year_of[int(t)] for t in unit_session], dtype=np.int64),
        unit_votes=np.bincount(obs_unit, minlength=n_units).astype(np.int64),
        item_groups=item_groups,
        item_size=item_size.astype(np.float64),
        item_first_rollcall=item_first,
        rollcall_item=rc_item.astype(np.intp),
        obs=core.Observations.from_codes(obs_unit.astype(np.intp), obs_item.astype(np.intp), code, n_units, n_items),
        obs_rollcall=obs_rc.astype(np.int64),
        obs_unit=obs_unit.astype(np.intp),
        obs_code=code,
        rollcall_ids=rollcall_ids,
        rollcall_session=rollcall_session,
        dropped=dropped,
        bridges=bridges,
    )


def start_theta(des: Design, reference: str, dims: int) -> NDArray[np.float64]:
    """Leading singular vector of each session's centred vote matrix, oriented on the reference state."""
    n_units = des.obs.n_units
    n_rc = des.rollcall_ids.size
    value = np.choose(des.obs_code, [-1.0, 0.0, 1.0])
    col_mean = np.bincount(des.obs_rollcall, weights=value, minlength=n_rc) / np.maximum(
        np.bincount(des.obs_rollcall, minlength=n_rc), 1
    )
    x = sp.csr_matrix((value - col_mean[des.obs_rollcall], (des.obs_unit, des.obs_rollcall)), shape=(n_units, n_rc))
    session = des.unit_session
    sess_values, sess_index = np.unique(session, return_inverse=True)
    n_sess = sess_values.size
    # reference row per roll call (0 where the reference did not vote)
    ref = des.states.index(reference) if reference in des.states else -1
    ref_units = np.flatnonzero(des.unit_state == ref) if ref >= 0 else np.array([], dtype=np.intp)
    ref_row = np.asarray(x[ref_units].sum(axis=0)).ravel() if ref_units.size else np.zeros(n_rc)
    theta0 = x @ ref_row
    has_ref = np.bincount(sess_index, weights=np.abs(theta0), minlength=n_sess) > 0
    theta0 = np.where(has_ref[sess_index], theta0, np.asarray(x.sum(axis=1)).ravel())

    def standardise(t: NDArray[np.float64]) -> NDArray[np.float64]:
        cnt = np.bincount(sess_index, minlength=n_sess)
        mean = np.bincount(sess_index, weights=t, minlength=n_sess) / cnt
        t = t - mean[sess_index]
        sd = np.sqrt(np.bincount(sess_index, weights=t * t, minlength=n_sess) / cnt)
        return t / np.where(sd > 0, sd, 1.0)[sess_index]

    theta = standardise(theta0)
    xt = x.T.tocsr()
    for _ in range(25):
        theta = standardise(x @ (xt @ theta))
    # keep the reference orientation of the power iteration's start in every session
    sign = np.sign(np.bincount(sess_index, weights=theta * standardise(theta0), minlength=n_sess))
    sign[sign == 0] = 1.0
    theta = theta * sign[sess_index]
    start = np.zeros((n_units, dims))
    start[:, 0] = theta
    if dims == 2:
        # second start axis: the next singular vector (deflated power iteration)
        rng = np.random.default_rng(0)
        t2 = standardise(rng.standard_normal(n_units))
        for _ in range(25):
            t2 = x @ (xt @ t2)
            proj = np.bincount(sess_index, weights=t2 * theta, minlength=n_sess) / np.bincount(
                sess_index, minlength=n_sess
            )
            t2 = standardise(t2 - proj[sess_index] * theta)
        start[:, 1] = 0.5 * t2
    return start


def start_items(des: Design) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Start cutpoints from each item's vote shares (probit of the No and No-or-Abstain shares); ``tied``: no abstention."""
    n_items = des.obs.n_items
    counts = np.stack([np.bincount(it, minlength=n_items) for it in des.obs.item], axis=1).astype(float)  # Y, N, A
    total = counts.sum(axis=1)
    p_no = np.clip(counts[:, 1] / total, 0.005, 0.995)
    p_no_abs = np.clip((counts[:, 1] + counts[:, 2]) / total, 0.005, 0.995)
    k1 = norm.ppf(p_no)
    k2 = np.maximum(norm.ppf(p_no_abs), k1 + core.MIN_GAP)
    tied = counts[:, 2] == 0
    c = np.where(tied, k1, 0.5 * (k1 + k2))
    g = np.where(tied, 0.0, k2 - k1)
    return c, g, tied


# ------------------------------------------------------------------ fit
