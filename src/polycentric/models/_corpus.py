"""The record as dense arrays for the forecaster: roll calls sorted by date, states, vote codes, texts.

:class:`_Corpus` is built once from the ``votes`` and ``roll_calls`` frames; every cut-off of a backtest and
every fit reuses it (the TF-IDF of any prefix of roll calls is built from cached term counts).

Dependency rule: numpy, polars, scikit-learn, ``polycentric.errors``, ``polycentric.schema`` and the
forecaster's private modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from polycentric.errors import InputFormatError, ModelFitError
from polycentric.models._titles import title_keys
from polycentric.schema import ISSUES

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

VOTE_ORDER: tuple[str, ...] = ("Y", "A", "N", "X")
"""Category order of every probability array: yes, abstain, no, not voting."""

_CODE = {v: i for i, v in enumerate(VOTE_ORDER)}
_NON_MEMBER = -1
_TEXT_COLUMNS = ("title", "description", "agenda", "subjects")
_DAYS_PER_YEAR = 365.2425
_TFIDF_PARAMS: dict[str, Any] = {"ngram_range": (1, 2), "stop_words": "english", "dtype": np.float32}


def _tfidf_vectorizer(**kwargs: Any) -> TfidfVectorizer:
    """The text representation of roll calls: word 1–2-grams, English stop words, sublinear tf, l2 norm."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported when fitting only

    return TfidfVectorizer(sublinear_tf=True, **_TFIDF_PARAMS, **kwargs)


def _years(dates: pl.Series | Sequence[dt.date]) -> np.ndarray:
    s = pl.Series(dates).cast(pl.Date)
    return s.cast(pl.Int32).to_numpy().astype(float) / _DAYS_PER_YEAR + 1970.0


def _text_frame(roll_calls: pl.DataFrame) -> list[str]:
    """One document per roll call: its text columns plus issue tokens."""
    parts: list[pl.Expr] = [pl.col(c).fill_null("") for c in _TEXT_COLUMNS if c in roll_calls.columns]
    for code in ISSUES:
        col = f"issue_{code}"
        if col in roll_calls.columns:
            parts.append(pl.when(pl.col(col)).then(pl.lit(f"zzissue{code}")).otherwise(pl.lit("")))
    if not parts:
        return [""] * roll_calls.height
    return roll_calls.select(pl.concat_str(parts, separator=" ").alias("t"))["t"].to_list()


def _date_of(t: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=round((t - 1970.0) * _DAYS_PER_YEAR))


@dataclass
class _Corpus:
    """The record as dense arrays: items sorted by date, states, vote codes."""

    item_ids: np.ndarray  # rollcall_id, sorted by date
    item_time: np.ndarray  # decimal years
    item_session: np.ndarray  # session_number
    item_is_resolution: np.ndarray  # bool: kind == "resolution"
    item_symbol: list[str | None]
    item_text: list[str]
    item_key: list[str]  # normalised title (models._titles.title_key): links a resolution to earlier instances
    states: np.ndarray  # state ids (str)
    state_names: dict[str, str]
    codes: np.ndarray  # int8 (n_items, n_states): 0..3 or -1 non-member
    member_from: np.ndarray  # decimal years, per state
    member_to: np.ndarray
    votes: pl.DataFrame | None = None  # the frames it was built from (for IdealPointModel fits)
    roll_calls: pl.DataFrame | None = None
    _counts: tuple[Any, np.ndarray] | None = None  # cached term counts of every item and the terms

    @classmethod
    def build(cls, votes: pl.DataFrame, roll_calls: pl.DataFrame) -> _Corpus:
        for col in ("rollcall_id", "state", "vote"):
            if col not in votes.columns:
                raise InputFormatError(f"votes lack the column {col!r}", field=col)
        for col in ("rollcall_id", "date"):
            if col not in roll_calls.columns:
                raise InputFormatError(f"roll calls lack the column {col!r}", field=col)
        rc = roll_calls.filter(pl.col("date").is_not_null()).unique("rollcall_id", keep="first")
        if "session_number" not in rc.columns:
            rc = rc.with_columns(session_number=(pl.col("date").dt.year() - 1945).cast(pl.Int32))
        if "kind" not in rc.columns:
            rc = rc.with_columns(kind=pl.lit("resolution"))
        if "resolution" not in rc.columns:
            rc = rc.with_columns(resolution=pl.lit(None, dtype=pl.String))
        rc = rc.filter(pl.col("rollcall_id").is_in(votes["rollcall_id"].unique().implode())).sort("date", "rollcall_id")
        if rc.height == 0:
            raise ModelFitError("no roll call with votes to learn from: the forecaster cannot be fitted")
        bad = votes.filter(~pl.col("vote").is_in(list(VOTE_ORDER)))
        if bad.height:
            raise InputFormatError(
                f"{bad.height} vote rows with a code outside Y/A/N/X, e.g. {bad.row(0)}", field="vote"
            )
        states = np.array(sorted(votes["state"].unique().to_list()), dtype=object)
        s_index = {s: i for i, s in enumerate(states)}
        r_index = {int(r): i for i, r in enumerate(rc["rollcall_id"].to_list())}
        v = votes.filter(pl.col("rollcall_id").is_in(rc["rollcall_id"].implode()))
        rows = np.fromiter((r_index[int(r)] for r in v["rollcall_id"].to_list()), dtype=np.int64, count=v.height)
        cols = np.fromiter((s_index[s] for s in v["state"].to_list()), dtype=np.int64, count=v.height)
        vals = np.fromiter((_CODE[x] for x in v["vote"].to_list()), dtype=np.int8, count=v.height)
        codes = np.full((rc.height, states.size), _NON_MEMBER, dtype=np.int8)
        codes[rows, cols] = vals
        item_time = _years(rc["date"])
        has_x = bool((vals == _CODE["X"]).any())
        member_from = np.full(states.size, np.inf)
        member_to = np.full(states.size, -np.inf)
        np.minimum.at(member_from, cols, item_time[rows])
        np.maximum.at(member_to, cols, item_time[rows])
        # a state that voted in the record's last session is still a member (open-ended span)
        last_session = rc["session_number"].max()
        last_start = item_time[(rc["session_number"] == last_session).to_numpy()].min()
        member_to[member_to >= last_start] = np.inf
        if not has_x:  # infer membership spans: a member without a row did not vote
            inside = (item_time[:, None] >= member_from[None, :]) & (item_time[:, None] <= member_to[None, :])
            codes[(codes == _NON_MEMBER) & inside] = _CODE["X"]
        names: dict[str, str] = {}
        if "state_name" in votes.columns:
            last = votes.sort("date" if "date" in votes.columns else "rollcall_id").unique("state", keep="last")
            names = dict(zip(last["state"].to_list(), last["state_name"].to_list(), strict=True))
        return cls(
            item_ids=rc["rollcall_id"].to_numpy(),
            item_time=item_time,
            item_session=rc["session_number"].fill_null(0).to_numpy().astype(np.int64),
            item_is_resolution=(rc["kind"].fill_null("resolution") == "resolution").to_numpy(),
            item_symbol=rc["resolution"].to_list(),
            item_text=_text_frame(rc),
            item_key=title_keys(rc),
            states=states,
            state_names={s: (names.get(s) or s) for s in states},
            codes=codes,
            member_from=member_from,
            member_to=member_to,
            votes=votes,
            roll_calls=roll_calls,
        )

    def tfidf(self, rows: np.ndarray) -> tuple[TfidfVectorizer, Any]:
        """A TF-IDF vectorizer fitted on the texts of ``rows`` and their (len(rows), vocab) matrix.

        Identical to ``_tfidf_vectorizer().fit_transform(texts)``, but the texts are tokenised
        once per corpus: the term counts of every roll call are cached, and a fit on a subset
        keeps the terms that occur in it (in the same sorted order) and learns their
        document frequencies from the cached counts.
        """
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer  # when fitting only

        if self._counts is None:
            counter = CountVectorizer(**_TFIDF_PARAMS)
            self._counts = (counter.fit_transform(self.item_text).tocsr(), counter.get_feature_names_out())
        counts, terms = self._counts
        sub = counts[np.asarray(rows)]
        active = np.flatnonzero(np.bincount(sub.indices, minlength=counts.shape[1]) > 0)
        sub = sub[:, active]
        vectorizer = _tfidf_vectorizer(vocabulary={str(t): i for i, t in enumerate(terms[active])})
        transformer = TfidfTransformer(sublinear_tf=True).fit(sub)
        vectorizer.idf_ = transformer.idf_
        return vectorizer, transformer.transform(sub)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_counts"] = None  # a cache: rebuilt when needed
        return state

    def members_at(self, t: float) -> np.ndarray:
        """Boolean mask of states that are members at decimal year ``t`` (or at the record's end)."""
        return (self.member_from <= t + 1e-9) & (self.member_to >= t - 1e-9)

    def cutoff_before(self, t: float) -> int:
        """Number of items dated strictly before ``t``."""
        return int(np.searchsorted(self.item_time, t - 1e-9, side="left"))
