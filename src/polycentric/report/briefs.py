"""Self-contained HTML briefs on a roll call, a state or a group.

Each builder reads the record (and the measures and models where they apply), draws its
charts as inline SVG and fills one Jinja template: the file opens in any browser with no
server and no network, and carries its method notes and the data citation.

Dependency rule: may import any library package; no shell imports it except cli/api.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from polycentric import __version__
from polycentric.errors import MeasureError, NotFittedError, RecordError, UnknownStateError
from polycentric.report import charts
from polycentric.states import resolve_state

__all__ = ["Section", "group_brief", "render_brief", "rollcall_brief", "state_brief", "write_brief"]

VOTE_ORDER = ("Y", "N", "A", "X")
VOTE_NOTE = (
    "Votes are coded Y (yes), N (no), A (abstain) and X (a UN member on that date that did not vote); "
    "states that were not UN members on the date have no row."
)


class Section(dict[str, Any]):
    """One section of a brief: ``id``, ``heading`` and ``blocks`` (svg, table, list or text)."""

    def __init__(self, id: str, heading: str, blocks: Sequence[dict[str, Any]]) -> None:
        super().__init__(id=id, heading=heading, blocks=list(blocks))


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("polycentric.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _record_version(record: Any) -> str:
    """``Record.version``: the same id as the dashboard's footer and Python's ``record.version``."""
    from polycentric.record.cite import record_id

    return record_id(record)


def _sources(record: Any) -> str:
    try:
        src = record.sources()
    except (AttributeError, RecordError, OSError):
        return "unknown"
    return "; ".join(f"{r['source']} ({r['files']})" for r in src.iter_rows(named=True)) or "none"


def _coverage(record: Any) -> str:
    """``General Assembly votes through DATE; Security Council through DATE`` (every brief says it)."""
    try:
        return str(record.coverage_line())
    except (AttributeError, RecordError, OSError):
        return "coverage unknown"


def table_block(
    df: pl.DataFrame, *, id: str | None = None, note: str | None = None, csv: bool = False
) -> dict[str, Any]:
    """A table block of a DataFrame (floats to 3 decimals); ``csv=True`` embeds the table as a CSV download.

    The CSV is a ``data:`` link inside the page (the brief stays self-contained) holding every
    row at full precision, file name ``<id>.csv``.
    """
    from urllib.parse import quote

    numeric = [c for c, t in df.schema.items() if t.is_numeric()]
    rows = [
        {k: (f"{v:.3f}" if isinstance(v, float) else v) for k, v in row.items()} for row in df.iter_rows(named=True)
    ]
    href = "data:text/csv;charset=utf-8," + quote(df.write_csv()) if csv else None
    return {
        "kind": "table",
        "columns": df.columns,
        "numeric": numeric,
        "rows": rows,
        "id": id,
        "note": note,
        "csv": href,
        "csv_name": f"{id or 'table'}.csv",
    }


def render_brief(
    record: Any,
    *,
    title: str,
    subtitle: str,
    sections: Sequence[Section],
    method: Sequence[str],
    command: str,
) -> str:
    """Fill the report template; returns the HTML text."""
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            title=title,
            subtitle=subtitle,
            sections=sections,
            method=method,
            command=command,
            version=__version__,
            record_version=_record_version(record),
            sources=_sources(record),
            coverage=_coverage(record),
        )
    )


def _tally(votes: pl.DataFrame) -> dict[str, int]:
    counts = dict(votes.group_by("vote").len().iter_rows())
    return {k: int(counts.get(k, 0)) for k in VOTE_ORDER}


def rollcall_brief(record: Any, symbol: str, *, rollcall_id: int | None = None) -> str:
    """A brief on the vote on one resolution: tally, how each state voted, by group when groups exist.

    Parameters
    ----------
    record
        An opened record (``polycentric.open()``).
    symbol
        The resolution symbol in any spelling (``A/RES/ES-11/1``, ``R/68/262``).
    rollcall_id
        Which roll call when the resolution had several (amendments, paragraphs); default the
        vote on the whole resolution.
    """
    rcs = record.roll_calls(resolution=symbol, body=None)
    if rcs.height == 0:
        raise RecordError(f"no recorded vote on {symbol!r} in the record")
    if rollcall_id is not None:
        rcs = rcs.filter(pl.col("rollcall_id") == rollcall_id)
    whole = rcs.filter(pl.col("kind") == "resolution")
    rc = (whole if whole.height else rcs).row(0, named=True)
    votes = record.votes(resolution=symbol, body=None).filter(pl.col("rollcall_id") == rc["rollcall_id"])
    tally = _tally(votes)
    blocks: list[dict[str, Any]] = [
        {"kind": "svg", "svg": charts.bar_tally(tally), "caption": f"Tally of roll call {rc['rollcall_id']}."},
        table_block(
            pl.DataFrame(
                {"vote": [charts.VOTE_NAMES[k] for k in VOTE_ORDER], "states": [tally[k] for k in VOTE_ORDER]}
            ),
            id="tally",
            note=(
                f"Recorded totals in the source: {rc['total_yes']} yes, {rc['total_no']} no, "
                f"{rc['total_abstain']} abstentions."
                if rc.get("total_yes") is not None
                else None
            ),
        ),
    ]
    lists = []
    for code in VOTE_ORDER:
        names = votes.filter(pl.col("vote") == code).sort("state_name")
        items = [f"{n} ({s})" for s, n in zip(names["state"], names["state_name"], strict=True)]
        lists.append(
            {
                "kind": "list",
                "label": f"{charts.VOTE_NAMES[code]} ({len(items)})",
                "entries": items,
                "css": f"votes-{code}",
            }
        )
    symbol_n = rc["resolution"] or symbol
    if rc.get("body") == "SC":  # the Council's outcome first
        from polycentric.record.sc import outcome_text

        blocks.insert(0, {"kind": "list", "label": "Outcome", "entries": [outcome_text(rc)], "css": "outcome"})
    sections = [
        Section("tally", "Tally", blocks),
        Section("votes", "How each state voted", lists),
    ]
    if rc.get("votes_complete") is False:  # a veto known from a list alone: no tally, only the votes known
        known = [x for x in lists if x["entries"]]
        sections = [Section("tally", "Outcome", blocks[:1]), Section("votes", "Votes known", known)]
    groups = _group_breakdown(votes) if rc.get("votes_complete") is not False else None
    if groups is not None:
        sections.append(groups)
    issues = [name for key, name in _issue_names().items() if rc.get(f"issue_{key}")]
    from polycentric.record.cite import with_citation

    cited = with_citation(rcs.filter(pl.col("rollcall_id") == rc["rollcall_id"])).row(0, named=True)
    subtitle = f"{cited['citation']}; session {rc['session']}" + (f"; issues: {', '.join(issues)}" if issues else "")
    if cited["link"]:
        subtitle += f". UN document: {cited['link']}"
    return render_brief(
        record,
        title=f"Vote on {symbol_n}",
        subtitle=subtitle,
        sections=sections,
        method=[VOTE_NOTE, "Counts are of the votes stored in the record for this roll call."],
        command=f"polycentric report rollcall {symbol_n}",
    )


BREAKDOWN_GROUPS = ("NAM", "G77", "EU", "NATO", "AU", "OIC", "LAS", "ASEAN", "BRICS", "SCO")
"""Groups of a roll call's breakdown (members on the day of the vote)."""


def _group_breakdown(votes: pl.DataFrame) -> Section | None:
    """How the members of :data:`BREAKDOWN_GROUPS` voted (``measures.cohesion_rollcalls``)."""
    from polycentric.measures import cohesion_rollcalls

    frames = [cohesion_rollcalls(votes, gid) for gid in BREAKDOWN_GROUPS]
    rows = [f for f in frames if f.height]
    if not rows:
        return None
    table = pl.concat(rows).select(
        "group",
        pl.col("n_members").alias("members"),
        pl.col("n_yes").alias("Yes"),
        pl.col("n_no").alias("No"),
        pl.col("n_abstain").alias("Abstain"),
        pl.col("n_absent").alias("Not voting"),
        pl.col("rice").alias("Rice index"),
    )
    note = "Members on the day of the vote (polycentric's group registry); Rice index |Y - N| / (Y + N) (Rice 1925)."
    return Section("groups", "By group", [table_block(table, id="groups", note=note)])


def _issue_names() -> dict[str, str]:
    from polycentric.schema import ISSUES

    return ISSUES


def state_brief(
    record: Any, state: str, *, years: tuple[int, int] | None = None, home: str | Path | None = None
) -> str:
    """A brief on one state over a period: its votes, its alignment with the major powers, its ideal points.

    Sections: votes per year by position and the latest votes; agreement per year with the
    references of :data:`polycentric.measures.DEFAULT_REFERENCES` (``measures.alignment``);
    the ideal-point trajectory with its interval from the fit saved in ``home`` by
    ``polycentric idealpoints fit`` (when there is none, the brief says how to make it:
    a brief never fits a model).

    Parameters
    ----------
    record
        An opened record.
    state
        Any code or name the state registry resolves (``RUS``, ``SUN``, ``Russia``).
    years
        Inclusive calendar years; default the whole record.
    home
        The home holding saved model fits (default ``$POLYCENTRIC_HOME`` or the user data dir).
    """
    sid = resolve_state(state)
    info = record.states().filter(pl.col("state") == sid).row(0, named=True)
    start = dt.date(years[0], 1, 1) if years else None
    end = dt.date(years[1], 12, 31) if years else None
    votes = record.votes(state=sid, start=start, end=end)
    per_year = (
        votes.group_by("year", "vote").len().pivot(on="vote", index="year", values="len").fill_null(0).sort("year")
    )
    for code in VOTE_ORDER:
        if code not in per_year.columns:
            per_year = per_year.with_columns(pl.lit(0, dtype=pl.UInt32).alias(code))
    per_year = per_year.select("year", *VOTE_ORDER)
    chart = charts.stacked_years(
        per_year["year"].to_list(),
        {k: per_year[k].to_list() for k in VOTE_ORDER},
        f"{info['name']}: recorded votes per year",
    )
    period = f"{years[0]}–{years[1]}" if years else "all years"
    recent = votes.sort("date", "rollcall_id", descending=True).head(60)
    from polycentric.record.cite import display_title, with_citation

    titles = with_citation(record.roll_calls(state=sid, start=start, end=end), citation=False).select(
        "rollcall_id", "title", "status", "link"
    )
    recent = recent.join(titles, on="rollcall_id", how="left").select(
        "date",
        "resolution",
        "session",
        pl.col("title").map_elements(display_title, return_dtype=pl.String).str.slice(0, 80),
        "status",
        "vote",
        "link",
    )
    sections = [
        Section(
            "votes",
            "Votes",
            [
                {"kind": "svg", "svg": chart, "caption": f"Roll calls per year by {info['name']}'s vote ({period})."},
                table_block(per_year.rename({k: charts.VOTE_NAMES[k] for k in VOTE_ORDER}), id="per-year"),
            ],
        ),
    ]
    method = [VOTE_NOTE]
    alignment_section = _alignment_section(record, sid, info["name"], start, end, years)
    if alignment_section is not None:
        sections.append(alignment_section)
        method.append(ALIGNMENT_NOTE)
    ideal_section, ideal_note = _ideal_point_section(sid, info["name"], years, home)
    sections.append(ideal_section)
    if ideal_note:
        method.append(ideal_note)
    sections.append(
        Section("recent", "Latest votes", [table_block(recent, id="recent", note=f"{votes.height} votes in {period}.")])
    )
    joined = f"UN member since {info['un_joined']}" if info.get("un_joined") else ""
    return render_brief(
        record,
        title=f"{info['name']} ({sid}) at the UN General Assembly",
        subtitle=f"{period}; {joined}".strip("; "),
        sections=sections,
        method=method,
        command=f"polycentric report state {sid}" + (f" --years {years[0]}-{years[1]}" if years else ""),
    )


ALIGNMENT_NOTE = (
    "Alignment: the share of the roll calls both voted on (Y, N or A; absences left out) on which the state "
    "voted as the reference did (simple agreement; Lijphart 1963 and Signorino & Ritter 1999 give the "
    "variants in polycentric.measures); a group's position is its members' majority on the day of the vote."
)

IDEAL_POINT_REFERENCES = ("USA", "RUS", "CHN")
"""States drawn beside the state's own ideal points, for scale."""


def _alignment_section(
    record: Any, sid: str, name: str, start: dt.date | None, end: dt.date | None, years: tuple[int, int] | None
) -> Section | None:
    """Agreement per year with the default references (``measures.alignment``); None when nothing is shared."""
    from polycentric.measures import DEFAULT_REFERENCES, alignment

    references = [r for r in DEFAULT_REFERENCES if r != sid]
    try:
        df = alignment(record.votes(start=start, end=end), references, years=years, states=[sid])
    except (MeasureError, UnknownStateError):
        return None
    df = df.drop_nulls("value")
    if df.height == 0:
        return None
    labels = list(dict.fromkeys(df["reference"].to_list()))
    series = {}
    for ref in labels:
        part = df.filter(pl.col("reference") == ref).sort("year")
        series[ref] = (part["year"].to_list(), part["value"].to_list())
    chart = charts.line_chart(series, f"{name}: agreement with the major powers per year", "agreement", ylim=(0, 1))
    table = df.pivot(on="reference", index="year", values="value").sort("year")
    return Section(
        "alignment",
        "Alignment with the major powers",
        [
            {"kind": "svg", "svg": chart, "caption": "Share of shared votes cast alike, per year."},
            table_block(table.select("year", *[c for c in labels if c in table.columns]), id="alignment"),
        ],
    )


def _ideal_point_section(
    sid: str, name: str, years: tuple[int, int] | None, home: str | Path | None
) -> tuple[Section, str | None]:
    """The state's ideal points from the saved fit, or a note saying how to make the fit."""
    from polycentric.models.saved import load_ideal_points

    try:
        ideal_points, meta = load_ideal_points(home)
    except NotFittedError as exc:
        return Section("idealpoints", "Ideal points", [{"kind": "text", "text": f"Not available: {exc}."}]), None
    if years:
        ideal_points = ideal_points.filter(pl.col("year").is_between(*years))
    own = ideal_points.filter(pl.col("state") == sid).sort("session")
    if own.height == 0:
        text = f"The saved fit has no ideal point for {name} in this period."
        return Section("idealpoints", "Ideal points", [{"kind": "text", "text": text}]), None
    series = {}
    for ref in (sid, *[r for r in IDEAL_POINT_REFERENCES if r != sid]):
        part = ideal_points.filter(pl.col("state") == ref).sort("session")
        if part.height:
            series[ref] = (part["year"].to_list(), part["ideal_point"].to_list())
    bands = {sid: (own["year"].to_list(), own["lower"].to_list(), own["upper"].to_list())}
    level = meta.get("params", {}).get("interval", 0.9)
    chart = charts.line_chart(series, f"{name}: ideal point per session", "ideal point", bands=bands)
    table = own.select("session", "year", "ideal_point", "lower", "upper", "n_votes")
    note = (
        "Ideal points: the dynamic ordinal item-response model of Bailey, Strezhnev & Voeten (2017) "
        f"(Y > A > N, random walk between sessions with sd {meta.get('random_walk_sd_', '?')}, bridged by "
        f"identical resolutions), posterior mode with {level:.0%} Laplace intervals; one dimension, "
        f"oriented so that {meta.get('params', {}).get('reference', 'USA')} is positive. Fitted on "
        f"{meta.get('n_votes_', '?')} votes (converged: {meta.get('converged_', '?')})."
    )
    blocks = [
        {
            "kind": "svg",
            "svg": chart,
            "caption": f"{name} with its {level:.0%} interval; {', '.join(list(series)[1:])} for comparison.",
        },
        table_block(table, id="idealpoints"),
    ]
    return Section("idealpoints", "Ideal points", blocks), note


def group_brief(record: Any, group: str, *, date: dt.date | None = None) -> str:
    """A brief on one group: its size over time, its members and observers on ``date``, its sources.

    Parameters
    ----------
    record
        An opened record (for the citation block and the record version).
    group
        A group id, alias or name (``NAM``, ``G-77``, ``European Union``).
    date
        The day the member list is given for (default today).
    """
    from polycentric.registry import groups as registry

    g = registry.get_group(group)
    day = date or dt.date.today()
    years = list(range(1946, day.year + 1))
    yearly = registry.members_on(g, [dt.date(y, 7, 1) for y in years], statuses=["member", "observer"])
    size = yearly.group_by("date", "status").len()
    series = {}
    for status in ("member", "observer"):
        counts = dict(size.filter(pl.col("status") == status).select(pl.col("date").dt.year(), "len").iter_rows())
        series[f"{status}s"] = (years, [counts.get(y, 0) for y in years])
    chart = charts.line_chart(series, f"{g.name}: states on 1 July of each year", "states")
    members = g.members(day, ["member", "observer"]).select("state", "state_name", "status", "joined", "left", "source")
    sources = registry.builtin_sources().filter(pl.col("key").is_in(list(g.sources)))
    sections = [
        Section("size", "Membership over time", [{"kind": "svg", "svg": chart, "caption": "Members and observers."}]),
        Section(
            "members",
            f"Members and observers on {day}",
            [table_block(members, id="members", note=f"{members.height} states.")],
        ),
        Section("sources", "Sources of the membership data", [table_block(sources, id="sources")]),
    ]
    return render_brief(
        record,
        title=f"{g.name} ({g.id})",
        subtitle=f"{g.kind}; {g.description}",
        sections=sections,
        method=[
            "Membership is evaluated on each date from dated spells (joined, left) in polycentric's group "
            "registry; spells marked uncertain are included and flagged in the registry's files.",
        ],
        command=f"polycentric report group {g.id}" + (f" --date {date}" if date else ""),
    )


def write_brief(html: str, path: str | Path) -> Path:
    """Write a brief to ``path`` (UTF-8); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
