"""Resolution series: recurring resolutions grouped across sessions, their vote history and switchers.

Method
------
1. **Normalise** every title-like text of a roll call (``title``, ``agenda``,
   ``subjects``): Unicode to ASCII, lower case, punctuation to spaces, a short
   list of English stop words dropped, a plural ``s`` stripped from words of more
   than three letters (``ARMS RACE`` -> ``arm race``), and only the first 300
   characters read (some sources put a whole debate transcript in a text field).
2. **Match** a search against each text by *token containment*: the share of the
   search's tokens found in the text, where a word of five letters or more also
   matches a text word within one edit (Levenshtein distance; two edits for
   words of nine letters or more), which catches misspellings in the record
   such as "fieln", "Unites", "COERSION". A roll
   call is in the series when its best text reaches ``threshold`` (default 0.85),
   so that wording changes over decades ("of America", "temporarily occupied",
   "telecommunication(s)") do not break a series while different resolutions
   sharing a few words do not join it.
3. **Families**: the matched roll calls' core titles (the best-matching text
   (a text that is an agenda item's, ``A/71/251 96a - ...``, loses ties to the
   resolution's own title), with agenda prefixes such as ``A/71/251 96a -`` and suffixes such as
   ``: resolution / adopted by the General Assembly`` removed) are clustered:
   the most frequent core title seeds a family, and each other title joins the
   family whose seed has the highest token Jaccard similarity if it is >= 0.7,
   else it seeds a new family. ``family`` numbers families by size.
4. Amendments and separate-paragraph votes are left out (``kinds``).

A *switcher* is a state whose vote (Y, N or A; absences are not switches)
differs between two consecutive roll calls of the same family.

Known series are in :data:`KNOWN_SERIES` (slug -> label, searches).

Dependency rule: imports polars, the standard library, ``polycentric.errors`` and
``polycentric.measures._common``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import polars as pl

from polycentric.errors import InsufficientDataError, MeasureError
from polycentric.measures._common import CAST, check_votes

__all__ = [
    "KNOWN_SERIES",
    "SeriesSpec",
    "core_title",
    "find_series",
    "match_score",
    "normalise_title",
    "series_history",
    "series_switchers",
    "series_table",
]

_STOP = frozenset(
    "a an and the of in on for to by at as with from its their this that be is are or "
    "resolution adopted general assembly".split()
)
_TEXT_COLUMNS: tuple[str, ...] = ("title", "agenda", "subjects")
_MAX_CHARS = 300
_FAMILY_JACCARD = 0.7


class SeriesSpec(NamedTuple):
    """A named series: a display ``label`` and the ``searches`` whose matches make it up."""

    label: str
    searches: tuple[str, ...]


KNOWN_SERIES: dict[str, SeriesSpec] = {
    "unilateral-coercive-measures": SeriesSpec(
        "Human rights and unilateral coercive measures", ("human rights and unilateral coercive measures",)
    ),
    "democratic-international-order": SeriesSpec(
        "Promotion of a democratic and equitable international order",
        ("promotion of a democratic and equitable international order",),
    ),
    "glorification-of-nazism": SeriesSpec(
        "Combating glorification of Nazism, neo-Nazism and other practices",
        ("glorification of nazism",),
    ),
    "outer-space": SeriesSpec(
        "No first placement of weapons in outer space / prevention of an arms race in outer space",
        ("no first placement of weapons in outer space", "prevention of an arms race in outer space"),
    ),
    "ict-security": SeriesSpec(
        "Developments in the field of information and telecommunications in the context of international security",
        ("developments in the field of information and telecommunications in the context of international security",),
    ),
    "cuba-embargo": SeriesSpec(
        "Necessity of ending the economic, commercial and financial embargo imposed by the United States of America "
        "against Cuba",
        (
            "necessity of ending the economic, commercial and financial embargo imposed by the united states "
            "of america against cuba",
        ),
    ),
    "crimea-human-rights": SeriesSpec(
        "Situation of human rights in the Autonomous Republic of Crimea and the city of Sevastopol, Ukraine",
        ("situation of human rights in the autonomous republic of crimea and the city of sevastopol ukraine",),
    ),
    "ukraine-territorial-integrity": SeriesSpec(
        "Territorial integrity of Ukraine", ("territorial integrity of ukraine",)
    ),
}
"""The series documented in ``docs/series.md`` (slug -> label and searches)."""


def normalise_title(text: str | None) -> list[str]:
    """Tokens of a title: ASCII lower case, punctuation removed, stop words dropped, plural ``s`` stripped."""
    if not text:
        return []
    text = unicodedata.normalize("NFKD", text[:_MAX_CHARS]).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    out = []
    for tok in text.split():
        if tok in _STOP or tok.isdigit():
            continue
        if len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        out.append(tok)
    return out


@lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> bool:
    """Words of five letters or more within one edit (two for nine letters or more): typos, not synonyms."""
    limit = 2 if min(len(a), len(b)) >= 9 else 1
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


def match_score(search_tokens: Sequence[str], text_tokens: Sequence[str]) -> float:
    """Token containment of a search in a text: the share of search tokens found (exactly or fuzzily)."""
    if not search_tokens:
        return 0.0
    have = set(text_tokens)
    found = 0
    for q in search_tokens:
        if q in have or (len(q) >= 5 and any(len(t) >= 5 and _similar(q, t) for t in have)):
            found += 1
    return found / len(search_tokens)


_PREFIX = re.compile(r"^\s*A/\d+/\d+\s+\S+\s+-\s+", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?::\s*(?:draft\s+)?resolution\b.*|/\s*adopted by.*|\.\s+-\s+.*)$", re.IGNORECASE | re.DOTALL)


def core_title(text: str | None) -> str:
    """A title without agenda prefixes (``A/71/251 96a -``) and suffixes (``: resolution / adopted by ...``)."""
    if not text:
        return ""
    t = _PREFIX.sub("", text.strip())
    t = _SUFFIX.sub("", t)
    return t.strip().rstrip(".:;,- ")


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def find_series(
    roll_calls: pl.DataFrame,
    search: str | Sequence[str],
    *,
    threshold: float = 0.85,
    kinds: Sequence[str] | None = ("resolution",),
    body: str | None = "GA",
) -> pl.DataFrame:
    """The roll calls of a series, with their family.

    ``search`` is free text, several texts (any may match), or a slug of
    :data:`KNOWN_SERIES`. Matching and family clustering are described in the
    module docstring. Columns: ``family, family_title, rollcall_id, session, date,
    year, resolution, title, score``, sorted by family then date. Raises
    :class:`InsufficientDataError` when nothing matches.
    """
    if isinstance(search, str):
        searches = KNOWN_SERIES[search].searches if search in KNOWN_SERIES else (search,)
    else:
        searches = tuple(search)
    search_tokens = [normalise_title(s) for s in searches]
    if not any(search_tokens):
        raise MeasureError(f"search {search!r} has no words to match")
    rc = roll_calls
    if kinds is not None and "kind" in rc.columns:
        rc = rc.filter(pl.col("kind").is_null() | pl.col("kind").is_in(list(kinds)))
    if body is not None and "body" in rc.columns:
        rc = rc.filter(pl.col("body").is_null() | (pl.col("body") == body))
    text_cols = [c for c in _TEXT_COLUMNS if c in rc.columns]
    if not text_cols:
        raise MeasureError("roll calls frame has no title, agenda or subjects column")
    # cheap pre-filter: at least one search word (first 5 letters) must occur in some text
    stems = sorted({t[:5] for toks in search_tokens for t in toks})
    pattern = "(?i)" + "|".join(re.escape(s) for s in stems)
    pre = rc.filter(pl.any_horizontal([pl.col(c).fill_null("").str.contains(pattern) for c in text_cols]))
    rows = []
    for r in pre.select("rollcall_id", *text_cols).iter_rows(named=True):
        best, best_text = 0.0, ""
        for c in text_cols:
            toks = normalise_title(r[c])
            score = max(match_score(q, toks) for q in search_tokens if q)
            if r[c] and _PREFIX.match(r[c]):
                score *= 0.999  # an agenda item's text ("A/72/251 97a - ..."): prefer the resolution's own title
            if score > best or (score == best and best_text == ""):
                best, best_text = score, r[c] or ""
        if best >= threshold:
            rows.append((r["rollcall_id"], best, core_title(best_text)))
    if not rows:
        raise InsufficientDataError(
            f"no roll call matches {search!r} (known series: {', '.join(KNOWN_SERIES)}; or give words of the title)"
        )
    matched = pl.DataFrame(
        rows, schema={"rollcall_id": pl.Int64, "score": pl.Float64, "_core": pl.String}, orient="row"
    )
    # families: cluster core titles around the most frequent ones
    counts = Counter(matched["_core"].to_list())
    seeds: list[tuple[str, frozenset[str]]] = []
    family_of: dict[str, int] = {}
    for core, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        core_tokens = frozenset(normalise_title(core))
        sims = [_jaccard(core_tokens, s) for _, s in seeds]
        if sims and max(sims) >= _FAMILY_JACCARD:
            family_of[core] = sims.index(max(sims))
        else:
            family_of[core] = len(seeds)
            seeds.append((core, core_tokens))
    matched = matched.with_columns(
        pl.col("_core").replace_strict(family_of, return_dtype=pl.Int64).alias("family"),
    ).with_columns(pl.col("family").replace_strict({i: s[0] for i, s in enumerate(seeds)}).alias("family_title"))
    cols = [c for c in ("session", "date", "year", "resolution", "title") if c in roll_calls.columns]
    out = matched.join(roll_calls.select("rollcall_id", *cols), on="rollcall_id", how="left")
    # number families by size (largest first), then by first date
    order = (
        out.group_by("family")
        .agg(pl.len().alias("_n"), pl.col("date").min().alias("_first"))
        .sort(["_n", "_first"], descending=[True, False])
        .with_row_index("_rank", offset=1)
    )
    out = out.join(order.select("family", "_rank"), on="family").with_columns(
        pl.col("_rank").cast(pl.Int64).alias("family")
    )
    return out.select("family", "family_title", "rollcall_id", *cols, "score").sort("family", "date", "rollcall_id")


def series_history(
    roll_calls: pl.DataFrame,
    votes: pl.DataFrame,
    search: str | Sequence[str],
    *,
    threshold: float = 0.85,
    kinds: Sequence[str] | None = ("resolution",),
) -> pl.DataFrame:
    """Vote history of a series: one row per roll call with its tally.

    Columns ``family, family_title, year, session, date, resolution, rollcall_id,
    yes, no, abstain, absent, title``; tallies counted from ``votes``.
    """
    check_votes(votes)
    found = find_series(roll_calls, search, threshold=threshold, kinds=kinds)
    vote = pl.col("vote")
    tally = (
        votes.filter(pl.col("rollcall_id").is_in(found["rollcall_id"].implode()))
        .group_by("rollcall_id")
        .agg(
            (vote == "Y").sum().cast(pl.Int64).alias("yes"),
            (vote == "N").sum().cast(pl.Int64).alias("no"),
            (vote == "A").sum().cast(pl.Int64).alias("abstain"),
            (vote == "X").sum().cast(pl.Int64).alias("absent"),
        )
    )
    out = found.join(tally, on="rollcall_id", how="left").with_columns(
        pl.col(c).fill_null(0) for c in ("yes", "no", "abstain", "absent")
    )
    cols = [c for c in ("year", "session", "date", "resolution") if c in out.columns]
    return out.select(
        "family",
        "family_title",
        *cols,
        "rollcall_id",
        "yes",
        "no",
        "abstain",
        "absent",
        *(["title"] if "title" in out.columns else []),
    ).sort("family", "date", "rollcall_id")


def series_switchers(
    roll_calls: pl.DataFrame,
    votes: pl.DataFrame,
    search: str | Sequence[str],
    *,
    threshold: float = 0.85,
    kinds: Sequence[str] | None = ("resolution",),
) -> pl.DataFrame:
    """States whose vote changed between consecutive roll calls of the same family.

    Only Y, N and A count (an absence is not a switch). Columns ``family, state,
    year_from, year_to, resolution_from, resolution_to, vote_from, vote_to,
    rollcall_id_from, rollcall_id_to``, sorted by family, year and state.
    """
    check_votes(votes)
    found = find_series(roll_calls, search, threshold=threshold, kinds=kinds)
    seq = found.select(
        "family",
        "rollcall_id",
        pl.col("year") if "year" in found.columns else pl.lit(None, pl.Int32).alias("year"),
        pl.col("resolution") if "resolution" in found.columns else pl.lit(None, pl.String).alias("resolution"),
        pl.col("date"),
    ).sort("family", "date", "rollcall_id")
    seq = seq.with_columns(
        pl.col("rollcall_id").shift(1).over("family").alias("prev_id"),
        pl.col("year").shift(1).over("family").alias("year_from"),
        pl.col("resolution").shift(1).over("family").alias("resolution_from"),
    ).filter(pl.col("prev_id").is_not_null())
    cast = votes.filter(pl.col("vote").is_in(CAST)).select("rollcall_id", "state", "vote")
    pairs = (
        seq.join(cast.rename({"vote": "vote_to"}), on="rollcall_id")
        .join(cast.rename({"rollcall_id": "prev_id", "vote": "vote_from"}), on=["prev_id", "state"])
        .filter(pl.col("vote_from") != pl.col("vote_to"))
    )
    return pairs.select(
        "family",
        "state",
        "year_from",
        pl.col("year").alias("year_to"),
        "resolution_from",
        pl.col("resolution").alias("resolution_to"),
        "vote_from",
        "vote_to",
        pl.col("prev_id").cast(pl.Int64).alias("rollcall_id_from"),
        pl.col("rollcall_id").alias("rollcall_id_to"),
    ).sort("family", "year_to", "rollcall_id_to", "state")


_SEVERITY = {("Y", "N"): 0, ("N", "Y"): 0, ("Y", "A"): 1, ("A", "Y"): 1, ("N", "A"): 1, ("A", "N"): 1}


def series_table(
    roll_calls: pl.DataFrame,
    votes: pl.DataFrame,
    search: str | Sequence[str],
    *,
    max_switchers: int = 12,
    threshold: float = 0.85,
) -> pl.DataFrame:
    """The vote history with each roll call's switchers, for reports.

    Columns of :func:`series_history` (without ``title``) plus ``n_switchers`` and
    ``switchers`` (``"IND A→N; ..."``: Y↔N switches first, then moves to or from
    abstention, each alphabetical; at most ``max_switchers`` listed).
    """
    hist = series_history(roll_calls, votes, search, threshold=threshold)
    sw = series_switchers(roll_calls, votes, search, threshold=threshold)
    severity = {f"{a}{b}": v for (a, b), v in _SEVERITY.items()}
    sw = sw.with_columns(
        (pl.col("vote_from") + pl.col("vote_to"))
        .replace_strict(severity, default=2, return_dtype=pl.Int64)
        .alias("_sev"),
        (pl.col("state") + " " + pl.col("vote_from") + "→" + pl.col("vote_to")).alias("_txt"),
    ).sort("_sev", "state")
    per = sw.group_by(pl.col("rollcall_id_to").alias("rollcall_id"), maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("n_switchers"), pl.col("_txt").alias("_list")
    )
    listed = pl.col("_list").list.head(max_switchers).list.join("; ")
    more = pl.col("n_switchers") - max_switchers
    out = hist.drop("title", strict=False).join(per, on="rollcall_id", how="left")
    return out.with_columns(
        pl.col("n_switchers").fill_null(0),
        pl.when(more > 0)
        .then(listed + "; … (+" + more.cast(pl.String) + ")")
        .otherwise(listed)
        .fill_null("")
        .alias("switchers"),
    ).drop("_list")
