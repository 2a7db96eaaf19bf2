"""Routes over the group registry: groups, their members on a date, their membership history, a state's groups.

Dependency rule: calls ``polycentric.registry.groups`` only.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Optional

import polars as pl
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.params import IsoDate, StateCode
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.registry import groups as registry
from polycentric.states import resolve_state

router = APIRouter(prefix="/api", tags=["groups"])

GroupRow = row_model(
    "Group",
    {
        "id": str, "name": str, "kind": str, "origin": str, "n_members": int, "n_observers": int,
        "since": dt.date, "aliases": str, "sources": str, "description": str,
    },
)  # fmt: skip
Member = row_model(
    "GroupMember",
    {
        "state": str, "state_name": str, "status": str, "joined": dt.date, "left": dt.date,
        "precision": str, "uncertain": bool, "source": str, "note": str,
    },
)  # fmt: skip

GroupKind = enum.Enum("GroupKind", {k.replace("-", "_"): k for k in registry.GROUP_KINDS}, type=str)  # type: ignore[misc]
Status = enum.Enum("Status", {k: k for k in registry.STATUSES}, type=str)  # type: ignore[misc]
GroupId = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 +&.'()_\-]{0,79}$",
        description="Group id, alias or name (NAM, G77, EU, 'European Union').",
    ),
]


@router.get("/groups", responses=table_responses(GroupRow), summary="Every group with its size on a date")
def groups(
    kind: Optional[GroupKind] = Query(None, description="Only groups of this kind."),
    date: Optional[IsoDate] = Query(None, description="Day the sizes are counted on (default today)."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Built-in and user groups (``list_groups``): id, name, kind, members and observers on ``date``, sources."""
    df = registry.list_groups(kind.value if kind is not None else None, date=date, home=backend.home)
    return table_response(df, fmt, page, filename="groups")


@router.get("/groups/{group}", responses=table_responses(GroupRow), summary="One group")
def group(
    group: GroupId,
    date: Optional[IsoDate] = Query(None, description="Day the sizes are counted on (default today)."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """One group (404 when no group has this id, alias or name)."""
    gid = registry.get_group(group, home=backend.home).id
    df = registry.list_groups(date=date, home=backend.home).filter(pl.col("id") == gid)
    return table_response(df, fmt, filename=f"group-{gid}")


@router.get("/groups/{group}/members", responses=table_responses(Member), summary="A group's states on a date")
def group_members(
    group: GroupId,
    date: Optional[IsoDate] = Query(None, description="Day membership is evaluated on (default today)."),
    status: Optional[list[Status]] = Query(
        None, description="Statuses to list (repeatable); default member and observer."
    ),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """The states in the group on ``date`` (``Group.members``), with status, dates and source."""
    statuses = [s.value for s in status] if status else ["member", "observer"]
    g = registry.get_group(group, home=backend.home)
    return table_response(g.members(date, statuses), fmt, page, filename=f"group-{g.id}-members")


@router.get("/groups/{group}/history", responses=table_responses(Member), summary="Every membership spell")
def group_history(
    group: GroupId,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Every membership spell of the group (``Group.history``): who joined and left when, with sources."""
    g = registry.get_group(group, home=backend.home)
    return table_response(g.history(), fmt, page, filename=f"group-{g.id}-history")


Yearly = row_model("GroupMemberOnDate", {"date": dt.date, "state": str, "status": str})


@router.get(
    "/groups/{group}/members-by-year",
    responses=table_responses(Yearly),
    summary="A group's states on 1 July of each year",
)
def group_members_by_year(
    group: GroupId,
    start: int = Query(1946, ge=1900, le=2100, description="First year."),
    end: Optional[int] = Query(None, ge=1900, le=2100, description="Last year (default this year)."),
    status: Optional[list[Status]] = Query(
        None, description="Statuses to list (repeatable); default member and observer."
    ),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Membership over time (``members_on`` at 1 July of each year): one row per (date, state)."""
    last = end if end is not None else dt.date.today().year
    dates = [dt.date(y, 7, 1) for y in range(start, last + 1)]
    statuses = [s.value for s in status] if status else ["member", "observer"]
    df = registry.members_on(group, dates, statuses=statuses, home=backend.home)
    return table_response(df, fmt, page, filename=f"group-{group}-by-year")


StateGroup = row_model(
    "StateGroup",
    {
        "group": str, "group_name": str, "kind": str, "state": str, "status": str, "joined": dt.date,
        "left": dt.date, "uncertain": bool, "source": str, "note": str,
    },
)  # fmt: skip


@router.get(
    "/states/{state}/groups", responses=table_responses(StateGroup), summary="The groups a state belongs or belonged to"
)
def state_groups(
    state: StateCode,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Every membership spell of the state in every group of the registry (``registry.memberships_of``), current
    spells (no ``left`` date) first."""
    sid = resolve_state(state)
    df = registry.memberships_of(sid, home=backend.home)
    return table_response(df, fmt, page, filename=f"groups-{sid}")
