"""The "voting practices" brief of any state and year: self-contained HTML, every table also as CSV.

Modelled on the US State Department's annual report *Voting Practices in the United Nations*
(which covers the United States only): the state's voting coincidence with reference states and
groups overall, on important votes and by issue; the important votes; the coincidence of each
member of NAM, the EU, the G77, the OIC and the AU with the state; the Security Council's votes and
vetoes of the year. The numbers come from :func:`polycentric.measures.profile.practices`.

Dependency rule: imports the measures and ``report.briefs`` (the template).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from polycentric.measures.profile import PRACTICES_GROUPS, PRACTICES_REFERENCES, practices, vote_summary
from polycentric.record.cite import display_title
from polycentric.report import charts
from polycentric.report.briefs import VOTE_NOTE, Section, render_brief, table_block

__all__ = ["practices_brief", "practices_tables"]


def practices_tables(
    record: Any, state: str, year: int, *, references: Sequence[str] | None = None
) -> dict[str, pl.DataFrame]:
    """The tables of the practices brief (resolved state), as :func:`~polycentric.measures.profile.practices` gives them."""
    from polycentric.registry.resolver import resolve, resolve_reference

    sid = resolve(state, f"{year}-07-01", kinds=("state",)).id
    refs = [resolve_reference(r) for r in references] if references else list(PRACTICES_REFERENCES)
    return practices(
        record.votes(body="GA"),
        record.roll_calls(body="GA"),
        sid,
        year,
        references=refs,
        groups=PRACTICES_GROUPS,
        sc_votes=record.votes(body="SC"),
        sc_roll_calls=record.roll_calls(body="SC"),
    )


def _pct(df: pl.DataFrame, col: str = "coincidence") -> pl.DataFrame:
    return df.with_columns((pl.col(col) * 100).round(1).alias(f"{col} %")).drop(col) if col in df.columns else df


def practices_brief(record: Any, state: str, year: int, *, references: Sequence[str] | None = None) -> str:
    """The "voting practices" brief of ``state`` in ``year`` (HTML text, self-contained, CSV links inside)."""
    from polycentric.registry.resolver import resolve

    who = resolve(state, f"{year}-07-01", kinds=("state",))
    tables = practices_tables(record, state, year, references=references)
    summary = vote_summary(record.votes(body="GA"), who.id, years=year)
    s = summary.row(0, named=True)
    overall = tables["overall"]
    bars = _coincidence_bars(overall, f"Voting coincidence of {who.name} with …, {year}")
    sections = [
        Section(
            "summary",
            "In brief",
            [
                {
                    "kind": "text",
                    "css": "lede",
                    "text": (
                        f"In {year} {who.name} voted in {s['votes_cast']} of the {s['n_rollcalls']} recorded "
                        f"General Assembly roll calls it could vote in: {s['yes']} Yes, {s['no']} No, "
                        f"{s['abstain']} abstentions; absent {s['absent']} times."
                    ),
                },
                {"kind": "svg", "svg": bars, "caption": "Share of identical votes where both voted Yes or No."},
            ],
        ),
        Section(
            "overall",
            "Coincidence with reference states and groups, all recorded votes",
            [table_block(_pct(overall), id="coincidence-overall", csv=True)],
        ),
        Section(
            "important",
            "Coincidence on important votes",
            [
                table_block(
                    _pct(tables["important"]),
                    id="coincidence-important",
                    csv=True,
                    note=None
                    if tables["important_votes"].height
                    else f"The record codes no important votes in {year} (Voeten's coding ends with session 77).",
                )
            ],
        ),
        Section(
            "issues",
            "Coincidence by issue",
            [table_block(_pct(tables["by_issue"]), id="coincidence-by-issue", csv=True)]
            if tables["by_issue"].height
            else [{"kind": "text", "css": "note", "text": f"No issue codes for {year} in the record."}],
        ),
        Section(
            "important-votes",
            "The important votes",
            [
                table_block(
                    tables["important_votes"].with_columns(title=pl.col("title").map_elements(display_title, return_dtype=pl.String)),
                    id="important-votes",
                    csv=True,
                )
            ]
            if tables["important_votes"].height
            else [{"kind": "text", "css": "note", "text": "None recorded for this year."}],
        ),
    ]
    group_blocks = []
    for gid in PRACTICES_GROUPS:
        part = tables["groups"].filter(pl.col("group") == gid) if tables["groups"].height else pl.DataFrame()
        if part.height:
            shown = _pct(_pct(part.drop("group")), "coincidence_important").sort("member")
            group_blocks.append({"kind": "text", "css": "subhead", "text": f"{gid}: {part.height} members other than {who.id}"})
            group_blocks.append(table_block(shown, id=f"group-{gid}", csv=True))
    sections.append(Section("groups", f"Coincidence of each group member with {who.name}", group_blocks))
    sc_blocks: list[dict[str, Any]] = []
    if tables["sc_votes"].height:
        sc_blocks.append(table_block(tables["sc_votes"], id="sc-votes", csv=True))
    else:
        sc_blocks.append({"kind": "text", "css": "note", "text": f"No Security Council roll calls of {year} in the record."})
    if tables["vetoes"].height:
        sc_blocks.append(table_block(tables["vetoes"], id="sc-vetoes", csv=True, note="One row per vetoing member and draft."))
    else:
        sc_blocks.append({"kind": "text", "css": "note", "text": f"No vetoes in {year} in the record."})
    sections.append(Section("sc", f"Security Council, {year}", sc_blocks))
    return render_brief(
        record,
        title=f"Voting practices of {who.name}, {year}",
        subtitle=f"General Assembly and Security Council votes of {year}, compared with {', '.join(overall['reference'])}",
        sections=sections,
        method=[
            VOTE_NOTE,
            "Voting coincidence (U.S. Department of State, Voting Practices in the United Nations): over the roll calls "
            "where both voted Yes or No, identical votes / (identical + opposite); abstentions and absences are left out. "
            "A group's vote is the majority position of its members on the day.",
            "Important votes: the roll calls Voeten's data flag as important (the State Department's list).",
        ],
        command=f"polycentric report practices {who.id} --year {year}",
    )


def _coincidence_bars(table: pl.DataFrame, title: str) -> str:
    import matplotlib.pyplot as plt  # after polycentric.report.charts chose the Agg backend

    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.32 * max(table.height, 1)))
    shown = table.filter(pl.col("coincidence").is_not_null())
    labels = shown["reference"].to_list()[::-1]
    values = [v * 100 for v in shown["coincidence"].to_list()][::-1]
    ax.barh(labels, values, color=charts.VOTE_COLORS["Y"])
    for i, v in enumerate(values):
        ax.text(v + 1, i, f"{v:.0f}%", va="center", fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel("voting coincidence, %")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left")
    return charts.svg_of(fig)
