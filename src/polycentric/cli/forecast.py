"""CLI commands: ``forecast`` (a new draft) and ``backtest`` (the proof).

Dependency rule: a thin shell; logic lives in :mod:`polycentric.models.forecast`
and :mod:`polycentric.models.backtest`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from polycentric.cli.options import FormatOpt, OutOpt
from polycentric.cli.output import TableFormat, emit, render
from polycentric.errors import InputFormatError

if TYPE_CHECKING:
    import polars as pl


class Majority(StrEnum):
    """Adoption rule."""

    simple = "simple"
    two_thirds = "two-thirds"


class Protocol(StrEnum):
    """Backtest protocol: which votes are revealed."""

    none = "none"
    p5 = "p5"
    k10 = "k10"


def load_record_frames(home: str | Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """``(votes, roll_calls, groups)``: the General Assembly record and the UN regional groups today."""
    import polycentric
    from polycentric.models.forecast import regional_groups

    record = polycentric.open(home)
    return record.votes(), record.roll_calls(), regional_groups()


def fitted_forecaster(home: str | Path | None = None, before: dt.date | None = None) -> Any:
    """A :class:`VoteForecaster` fitted on the record (on the roll calls dated strictly before ``before`` when
    given), cached under ``<home>/cache`` per record version and cut-off. Without a cut-off this is the
    load-or-fit cache shared with the HTTP API (:func:`polycentric.models.saved.load_forecaster`; ``polycentric
    build`` fills it).

    The first call fits (seconds); later calls on the same record version and cut-off load the fit.
    """
    import polycentric
    from polycentric.models.saved import load_forecaster

    if before is None:
        return load_forecaster(polycentric.open(home))
    from polycentric.models.forecast import VoteForecaster, regional_groups

    model = VoteForecaster()
    record = polycentric.open(home)
    suffix = f"-before-{before.isoformat()}" if before is not None else ""
    cache = Path(record.home) / "cache" / f"forecaster-{Path(record.path).name}-{model.cache_key()}{suffix}.pkl"
    if cache.is_file():
        try:
            return VoteForecaster.load(cache)
        except Exception:  # a stale or unreadable cache is refitted
            pass
    model.fit(record.votes(), record.roll_calls(), groups=regional_groups(), before=before)
    try:
        model.save(cache)
    except OSError:  # a read-only home: work without the cache
        pass
    return model


def _parse_known(text: str | None) -> dict[str, str]:
    from polycentric.registry.resolver import resolve_states

    def resolve_state(text: str) -> str:
        return resolve_states([text])[0]

    if not text:
        return {}
    out: dict[str, str] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise InputFormatError(f"--known entry {part!r}: expected STATE=VOTE, e.g. USA=N", field="known")
        state, vote = (x.strip() for x in part.split("=", 1))
        out[resolve_state(state)] = vote.upper()
    return out


def _parse_date(text: str | None, option: str = "--date") -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputFormatError(f"{option} {text!r}: expected YYYY-MM-DD", field=option.lstrip("-")) from None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("forecast")
    def forecast_cmd(
        title: Annotated[Optional[str], typer.Option("--title", help="Title of the draft.")] = None,
        text_file: Annotated[
            Optional[Path], typer.Option("--text-file", help="File with the draft's text.", exists=True, dir_okay=False)
        ] = None,
        like: Annotated[Optional[str], typer.Option("--like", help="A past resolution the draft resembles.")] = None,
        known: Annotated[Optional[str], typer.Option("--known", help="Announced votes: USA=N,RUS=Y,...")] = None,
        sponsors: Annotated[Optional[str], typer.Option("--sponsors", help="Sponsoring states: ISO3,ISO3,...")] = None,
        agenda: Annotated[Optional[str], typer.Option("--agenda", help="Agenda item.")] = None,
        date: Annotated[Optional[str], typer.Option("--date", help="Forecast date YYYY-MM-DD (membership).")] = None,
        at: Annotated[
            Optional[str], typer.Option("--at", help="Forecast as of YYYY-MM-DD: learn only from votes before it.")
        ] = None,
        majority: Annotated[Majority, typer.Option("--majority", help="Adoption rule.")] = Majority.simple,
        fmt: FormatOpt = TableFormat.table,
        out: OutOpt = None,
    ) -> None:
        """Forecast every member's vote on a new draft: probabilities, tally, adoption, swing states.

        The model is fitted on the first call and cached under the record's home for later calls. With
        --like SYMBOL alone, a resolution of the record is retro-forecast from the votes strictly before it
        (and compared with its recorded votes); --at DATE forecasts as of that day.
        """
        from polycentric.registry.resolver import resolve_states

        text = text_file.read_text(encoding="utf-8") if text_file is not None else None
        known_votes, day = _parse_known(known), _parse_date(date)  # bad input fails before the fit
        at_day = _parse_date(at, "--at")
        if not (title or text or agenda or like):
            raise InputFormatError("give --title, --text-file, --agenda or --like SYMBOL", field="title")
        kwargs: dict[str, Any] = {
            "known": known_votes,
            "sponsors": resolve_states(s for s in sponsors.split(",") if s.strip()) if sponsors else None,
            "majority": majority.value,
        }
        if like and not (title or text or agenda):
            result = _retro(like, at_day, day, kwargs)
        else:
            from polycentric.cli.progress import working

            with working("loading the forecaster (fitted on the first run)"):
                model = fitted_forecaster(before=at_day)
            result = model.forecast(title, text=text, agenda=agenda, like=like, date=day or at_day, **kwargs)
            if at_day is not None:
                result.label = (
                    f"forecast as of {at_day} from the {model.n_roll_calls_} roll calls before it "
                    f"(data up to {result.data_date})"
                )
        _emit_forecast(result, fmt.value, out)

    @app.command("backtest")
    def backtest_cmd(
        sessions: Annotated[str, typer.Option("--sessions", help="Sessions, e.g. 60-77 or 70,72.")] = "60-77",
        protocol: Annotated[
            Optional[list[Protocol]], typer.Option("--protocol", help="none, p5 or k10 (repeatable; default all).")
        ] = None,
        pooled_only: Annotated[bool, typer.Option("--pooled", help="Only the pooled rows.")] = False,
        fmt: FormatOpt = TableFormat.table,
        out: OutOpt = None,
    ) -> None:
        """Fit on the past, forecast each session's resolutions, score the model against baselines."""
        from polycentric.models.backtest import backtest, parse_sessions

        chosen = [p.value for p in protocol] if protocol else ["none", "p5", "k10"]
        from polycentric.cli.progress import working

        with working(f"backtest of sessions {sessions} ({', '.join(chosen)})"):
            votes, roll_calls, groups = load_record_frames()
            table = backtest(
                votes, roll_calls, parse_sessions(sessions), chosen, groups=groups, per_session=not pooled_only
            )
        emit(table, fmt.value, out)


def _retro(like: str, at_day: dt.date | None, day: dt.date | None, kwargs: dict[str, Any]) -> Any:
    """A retro-forecast of the record's roll call on ``like`` (fitted strictly before it), or a forecast of a
    draft like it when the symbol is not in the record."""
    import polycentric
    from polycentric.models.forecast import find_roll_call, retro_forecast

    record = polycentric.open()
    row = find_roll_call(record.roll_calls(), like)
    if row is None:
        return fitted_forecaster(before=at_day).forecast(like=like, date=day or at_day, **kwargs)
    model = fitted_forecaster(before=row["date"])
    return retro_forecast(record.votes(), record.roll_calls(), like, model=model, **kwargs)


def _emit_forecast(result: Any, fmt: str, out: Path | None) -> None:
    states = result.to_frame()
    summary = result.summary()
    tally = result.tally()
    if fmt == "json":
        payload = {"summary": summary, "tally": tally.to_dicts(), "states": states.to_dicts()}
        text = json.dumps(payload, default=str, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        text = render(states, "csv")
        sys.stderr.write(_summary_line(summary) + "\n")
    else:
        text = (
            _summary_line(summary)
            + "\n\n"
            + render(tally, "table")
            + "\nSwing states (moving the tally most: standard deviation of their margin contribution)\n"
            + render(
                result.swing_states(5).select(
                    "state", "state_name", "swing", "p_yes", "p_abstain", "p_no", "predicted"
                ),
                "table",
            )
            + "\nMost likely to break with their group\n"
            + render(
                result.group_breakers(5).select("state", "state_name", "group", "p_break_group", "predicted"), "table"
            )
            + "\n"
            + render(states, "table")
        )
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _summary_line(summary: dict[str, Any]) -> str:
    ty, ta, tn = (summary[f"interval_{v}"] for v in ("Y", "A", "N"))
    return (
        f"{summary['label']}\n"
        f"forecast for {summary['date']} ({summary['n_members']} members, {summary['majority']} majority): "
        f"Y {summary['expected_Y']:.1f} [{ty[0]}-{ty[1]}], A {summary['expected_A']:.1f} [{ta[0]}-{ta[1]}], "
        f"N {summary['expected_N']:.1f} [{tn[0]}-{tn[1]}], X {summary['expected_X']:.1f}; "
        f"P(adopted) = {summary['p_adopt']:.3f}"
    )
