"""The outcome of Security Council roll calls in words: adopted, vetoed (by whom), failed, and what is unknown.

A roll call of the veto list alone holds only the vetoing members' votes
(``votes_complete`` False): its tally is unknown, not "0 Yes, 1 No". The CLI,
the API and the reports say so with :func:`outcome_text`.

Dependency rule: imports polars, ``polycentric.schema`` and ``polycentric.registry``.
"""

from __future__ import annotations

import polars as pl

from polycentric.states import state_name

__all__ = ["outcome_lines", "outcome_text", "vetoed_by_names"]


def vetoed_by_names(vetoed_by: str | None, date: object = None) -> list[str]:
    """The names (at ``date``) of the members in a ``vetoed_by`` value (``"CHN|RUS"``)."""
    if not vetoed_by:
        return []
    return [state_name(s, date) for s in vetoed_by.split("|") if s]  # type: ignore[arg-type]


def outcome_text(roll_call: dict[str, object]) -> str:
    """One line on a roll call's outcome (from a row of ``ROLL_CALLS`` as a dict).

    >>> outcome_text({"resolution": "S/2022/720", "date": None, "status": "vetoed", "vetoed_by": "RUS",
    ...               "votes_complete": False, "body": "SC"})
    "S/2022/720: vetoed by Russian Federation; the other members' votes are unknown (the source lists only the vetoing members)"
    """
    label = str(roll_call.get("resolution") or f"roll call {roll_call.get('rollcall_id')}")
    when = f" ({roll_call['date']})" if roll_call.get("date") is not None else ""
    status = roll_call.get("status")
    if status == "vetoed":
        names = vetoed_by_names(roll_call.get("vetoed_by"), roll_call.get("date"))  # type: ignore[arg-type]
        text = "vetoed by " + (" and ".join(names) if names else "a permanent member (not named in the source)")
    elif status == "failed":
        text = "not adopted (short of the affirmative votes needed; no veto)"
    elif status == "adopted":
        text = "adopted"
    else:
        text = "outcome not recorded"
    if roll_call.get("votes_complete") is False:
        text += "; the other members' votes are unknown (the source lists only the vetoing members)"
    return f"{label}{when}: {text}"


def outcome_lines(roll_calls: pl.DataFrame, limit: int = 20) -> list[str]:
    """:func:`outcome_text` of the Security Council roll calls in ``roll_calls`` (at most ``limit`` lines)."""
    sc = roll_calls.filter(pl.col("body") == "SC")
    lines = [outcome_text(row) for row in sc.head(limit).iter_rows(named=True)]
    if sc.height > limit:
        lines.append(f"... and {sc.height - limit} more Security Council roll calls")
    return lines
