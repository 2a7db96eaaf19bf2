"""Issue codes for roll calls Voeten never coded: a transparent keyword classifier.

Erik Voeten's data code every General Assembly roll call for six issues
(Bailey, Strezhnev & Voeten 2017, "Estimating Dynamic State Preferences from
United Nations Voting Data", *Journal of Conflict Resolution* 61(2): 430-456):
``me`` the Palestinian conflict (Middle East), ``nu`` nuclear weapons and
nuclear material, ``di`` arms control and disarmament, ``hr`` human rights,
``co`` colonialism, ``ec`` economic development. A roll call can have several.
The UN Digital Library files carry no such codes, so roll calls Voeten did not
code (those after his last release, emergency special sessions, Security
Council votes) get them from :func:`classify_issues`.

Method
------
Each issue is a rule: a roll call has issue ``k`` when its text (title, agenda
item and subjects, joined and lower-cased) matches at least one *include*
pattern of ``k`` and none of its *exclude* patterns. Formally, with
``T`` the text, ``I_k`` and ``E_k`` the pattern sets,

    issue_k(T) = [exists p in I_k: p matches T] and not [exists q in E_k: q matches T]

The rules, :data:`ISSUE_RULES`, are regular expressions written from the issue
definitions and the vocabulary of UN titles, agenda items and UNBIS subjects,
and tuned on Voeten's codes for sessions 1-69 only. Sessions 70-77 are held
out: ``benchmarks/issue_classifier.py`` reports precision and recall per issue
on them (``docs/issue_classifier.md``). :func:`explain_issues` says which
pattern fired for a text, so every code can be traced to a phrase.

Dependency rule: imports polars and ``polycentric.schema`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from polycentric.schema import ISSUE_COLUMNS, ISSUES

__all__ = [
    "ISSUE_RULES",
    "IssueRule",
    "classify_issues",
    "explain_issues",
    "issue_scores",
    "issue_text",
    "voeten_reference",
]


@dataclass(frozen=True)
class IssueRule:
    """The patterns of one issue: any ``include`` and no ``exclude`` (regular expressions, lower-case text)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()


_NUCLEAR = (
    r"nuclear",
    r"denucleari[sz]",
    r"atomic (?:weapon|bomb|radiation|test)",
    r"\btest[- ]ban",
    r"\bfissi(?:le|onable)",
    r"thermonuclear",
    r"tlatelolco|rarotonga|pelindaba|semipalatinsk",
    r"non-?proliferation",
    r"radioactive",
)

ISSUE_RULES: dict[str, IssueRule] = {
    "me": IssueRule(
        include=(
            r"palestin",
            r"israel",
            r"jerusalem",
            r"\bunrwa\b",
            r"relief and works agency",
            r"\bgolan\b",
            r"\bgaza\b",
            r"west bank",
            r"occupied arab territor",
            r"arab territories",
            r"near east",
            r"\blebanon\b",
        ),
    ),
    "nu": IssueRule(include=_NUCLEAR),
    "di": IssueRule(
        include=(
            r"disarm",
            r"arms (?:race|control|limitation|trade|embargo|reduction)",
            r"armaments",
            r"\bweapons?\b",
            r"chemical and bacteriological|bacteriological|biological and toxin",
            r"outer space",
            r"cluster munitions",
            r"(?:anti-?personnel |land)mines",
            r"small arms",
            r"missiles?",
            r"conventional arms",
        ),
    ),
    "hr": IssueRule(
        include=(
            r"human rights",
            r"\brights?\b",
            r"racial discrimination|racism|xenophobia|nazism",
            r"death penalty|capital punishment|summary (?:or arbitrary )?executions",
            r"mercenar",
            r"disappearances",
            r"unilateral coercive measures",
            r"persons with disabilities",
            r"trafficking in (?:persons|women)",
            r"hostage",
            r"refugees? (?:and displaced|in africa)",
            r"humanitarian (?:law|situation)",
            r"situation of human|human dignity",
            r"fundamental freedoms",
        ),
    ),
    "co": IssueRule(
        include=(
            r"self[- ]?determ",
            r"non[- ]?self[- ]?gov",
            r"territories",
            r"independence",
            r"administering power",
            r"trust territor|trusteeship",
            r"colonial|decoloni[sz]ation",
            r"independence to (?:colonial|the)",
            r"portuguese (?:territories|administration|colonies)",
            r"occupied territor",
            r"foreign (?:economic and other )?interests",
            r"territories occupied",
            r"mercenar",
            r"foreign (?:occupation|domination)",
        ),
    ),
    "ec": IssueRule(
        include=(
            r"econom",
            r"development",
            r"budget|financial situation|appropriations|scale of assessments|estimates",
            r"\btrade\b",
            r"\becosoc\b",
            r"financ",
            r"poverty",
            r"industriali[sz]",
            r"\bunctad\b|\bunido\b",
            r"agricultur|food security",
            r"embargo imposed by the united states",
            r"investment",
        ),
        exclude=(r"human resources development",),
    ),
}
"""The rule of each issue (see the module docstring); ``docs/issue_classifier.md`` lists them with their yield."""

_TEXT_COLUMNS = ("title", "agenda", "subjects")


def issue_text(roll_calls: pl.DataFrame) -> pl.Expr:
    """The expression of the text the rules read: title, agenda and subjects, lower-cased."""
    parts = [pl.col(c).fill_null("") for c in _TEXT_COLUMNS if c in roll_calls.columns]
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator=" | ").str.to_lowercase()


def _matches(text: pl.Expr, patterns: tuple[str, ...]) -> pl.Expr:
    if not patterns:
        return pl.lit(False)
    return text.str.contains("(?:" + ")|(?:".join(patterns) + ")")


def _predict(text: pl.Expr) -> dict[str, pl.Expr]:
    return {k: _matches(text, r.include) & ~_matches(text, r.exclude) for k, r in ISSUE_RULES.items()}


def classify_issues(roll_calls: pl.DataFrame, *, overwrite: bool = False) -> pl.DataFrame:
    """Fill the six ``issue_*`` columns of roll calls that lack Voeten's codes.

    Parameters
    ----------
    roll_calls
        Roll calls with at least ``title`` (``agenda`` and ``subjects`` are
        read when present), in the ``ROLL_CALLS`` schema or any frame with
        those columns.
    overwrite
        Classify every row, replacing existing codes. By default only rows whose
        ``issues_source`` is null (or, when that column is absent, rows whose
        issue columns are all null) are classified; rows coded by Voeten are
        left as they are.

    Returns
    -------
    polars.DataFrame
        ``roll_calls`` with ``issue_me ... issue_ec`` (Boolean) filled by the
        rules of :data:`ISSUE_RULES` and ``issues_source = "classifier"`` on the
        classified rows; the column order is kept and missing issue columns are
        added.
    """
    df = roll_calls
    for col in ISSUE_COLUMNS:
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.Boolean()).alias(col))
    if "issues_source" not in df.columns:
        df = df.with_columns(
            pl.when(pl.all_horizontal([pl.col(c).is_null() for c in ISSUE_COLUMNS]))
            .then(pl.lit(None, dtype=pl.String()))
            .otherwise(pl.lit("unknown"))
            .alias("issues_source")
        )
    todo = pl.lit(True) if overwrite else pl.col("issues_source").is_null()
    predicted = _predict(issue_text(df))
    return df.with_columns(
        *[pl.when(todo).then(predicted[k]).otherwise(pl.col(f"issue_{k}")).alias(f"issue_{k}") for k in ISSUES],
        pl.when(todo).then(pl.lit("classifier")).otherwise(pl.col("issues_source")).alias("issues_source"),
    )


def explain_issues(text: str) -> dict[str, list[str]]:
    """For one text, the include patterns that fired, per issue it is coded with.

    >>> explain_issues("Question of Palestine")
    {'me': ['palestin']}
    """
    low = text.lower()
    out: dict[str, list[str]] = {}
    for k, rule in ISSUE_RULES.items():
        if any(re.search(p, low) for p in rule.exclude):
            continue
        fired = [p for p in rule.include if re.search(p, low)]
        if fired:
            out[k] = fired
    return {k: out[k] for k in ISSUES if k in out}


def issue_scores(predicted: pl.DataFrame, truth: pl.DataFrame, *, key: str = "rcid") -> pl.DataFrame:
    """Precision and recall per issue of predicted codes against reference codes.

    Both frames hold ``key`` and the Boolean columns ``issue_me ... issue_ec``;
    rows are matched on ``key`` (inner join). For issue ``k``, with TP, FP, FN
    counted over the matched roll calls, precision = TP / (TP + FP) and
    recall = TP / (TP + FN).

    Returns
    -------
    polars.DataFrame
        ``issue, n_true, n_predicted, true_positives, precision, recall, f1``.
    """
    joined = predicted.select(key, *ISSUE_COLUMNS).join(
        truth.select(key, *ISSUE_COLUMNS), on=key, how="inner", suffix="_true"
    )
    rows = []
    for k in ISSUES:
        p = joined[f"issue_{k}"].fill_null(False)
        t = joined[f"issue_{k}_true"].fill_null(False)
        tp = int((p & t).sum())
        n_pred, n_true = int(p.sum()), int(t.sum())
        precision = tp / n_pred if n_pred else float("nan")
        recall = tp / n_true if n_true else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if n_pred and n_true and (precision + recall) else 0.0
        rows.append((k, n_true, n_pred, tp, precision, recall, f1))
    return pl.DataFrame(
        rows,
        schema={
            "issue": pl.String(),
            "n_true": pl.Int64(),
            "n_predicted": pl.Int64(),
            "true_positives": pl.Int64(),
            "precision": pl.Float64(),
            "recall": pl.Float64(),
            "f1": pl.Float64(),
        },
        orient="row",
    )


def voeten_reference(folder: str | Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Voeten's roll calls as classifier input, and his issue codes as the reference.

    Reads ``un_roll_calls.csv.gz`` and ``un_roll_call_issues.csv.gz`` of the
    ``unvotes`` distribution in ``folder``.

    Returns
    -------
    (roll_calls, truth)
        ``roll_calls``: ``rcid, session, title`` (Voeten's ``descr``), ``agenda``
        (his ``short``), ``subjects`` (null), ``issues_source`` (null), one row per
        roll call. ``truth``: ``rcid, session`` and the six ``issue_*`` columns
        (False where Voeten gives no code).
    """
    folder = Path(folder)
    rc = pl.read_csv(folder / "un_roll_calls.csv.gz", infer_schema=False)
    codes = pl.read_csv(folder / "un_roll_call_issues.csv.gz", infer_schema=False)
    base = rc.select(
        pl.col("rcid").cast(pl.Int64),
        pl.col("session").cast(pl.Int32),
        pl.col("descr").alias("title"),
        pl.col("short").alias("agenda"),
        pl.lit(None, dtype=pl.String()).alias("subjects"),
        pl.lit(None, dtype=pl.String()).alias("issues_source"),
    )
    wide = codes.select(pl.col("rcid").cast(pl.Int64), pl.col("short_name")).unique()
    truth = base.select("rcid", "session").with_columns(
        [
            pl.col("rcid").is_in(wide.filter(pl.col("short_name") == k)["rcid"].implode()).alias(f"issue_{k}")
            for k in ISSUES
        ]
    )
    return base, truth
