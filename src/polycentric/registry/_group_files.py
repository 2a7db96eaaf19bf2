"""Defining, saving, removing and loading user-defined groups (the file formats of ``load_groups_file``).

Split from :mod:`polycentric.registry.groups` along its "defining and loading groups"
seam; import the public functions from there (``define_group``, ``remove_group``,
``load_groups_file``), not from this private module.

Dependency rule: imports ``polycentric.errors``, ``polycentric.config`` and
``polycentric.registry.groups``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.errors import InputFormatError, RegistryError, UnknownGroupError, UnknownStateError
from polycentric.registry.groups import (
    _ID_RE,
    GROUP_KINDS,
    MEMBERSHIP,
    STATUSES,
    Group,
    _builtin,
    _check_state,
    _norm,
    _user_groups,
    user_groups_dir,
)
from polycentric.symbols import as_date

__all__ = ["define_group", "load_groups_file", "remove_group"]



def define_group(
    id: str,
    members: Iterable[str] | pl.DataFrame | Iterable[Mapping[str, Any]],
    *,
    name: str | None = None,
    kind: str = "user",
    description: str = "",
    sources: Sequence[str] = (),
    aliases: Sequence[str] = (),
    persist: bool = True,
    overwrite: bool = False,
    home: str | Path | None = None,
) -> Group:
    """Define a group of your own, in Python.

    Parameters
    ----------
    id
        Letters, digits, ``_``, ``-`` or ``+`` (at most 40), starting with a letter. It may not
        name a built-in group (nor one of their aliases).
    members
        Either state ids (members for all dates), or spells: a DataFrame or mappings with
        ``state`` and optional ``status`` (default member), ``joined``, ``left`` (inclusive,
        ``YYYY-MM-DD``; empty = unbounded), ``note``, ``source``, ``uncertain``.
    name, kind, description, sources, aliases
        Metadata shown by :func:`list_groups`.
    persist
        Store it under ``<home>/groups/<id>.json`` so later sessions (and the CLI) see it.
    overwrite
        Replace a user group with the same id (otherwise that is an error).

    Raises
    ------
    RegistryError
        Bad id, clash with an existing group, unknown status, bad dates or overlapping spells.
    UnknownStateError
        A state that is not a canonical id.
    """
    if isinstance(members, pl.DataFrame):
        records: list[Mapping[str, Any] | str] = list(members.to_dicts())
    else:
        records = list(members)
    spec = {
        "id": id,
        "name": name or id,
        "kind": kind,
        "description": description,
        "sources": list(sources),
        "aliases": list(aliases),
        "members": [r if isinstance(r, str) else {k: _jsonable(v) for k, v in r.items()} for r in records],
    }
    try:
        group = _group_from_spec(spec, where=None)
    except InputFormatError as exc:  # no file here: report as a registry error
        raise RegistryError(exc.reason if exc.field is None else f"{exc.field}: {exc.reason}") from None
    _check_clash(group, home=home, overwrite=overwrite)
    if persist:
        _save(group, home)
    return group


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _check_clash(group: Group, *, home: str | Path | None, overwrite: bool) -> None:
    _builtins, balias = _builtin()
    for a in (group.id, *group.aliases):
        if _norm(a) in balias:
            raise RegistryError(f"{a!r} names the built-in group {balias[_norm(a)]}: choose another id or alias")
    if not overwrite and group.id in _user_groups(home):
        raise RegistryError(f"a user group {group.id!r} exists already (pass overwrite=True to replace it)")


def _save(group: Group, home: str | Path | None) -> Path:
    folder = user_groups_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{group.id}.json"
    spells = [
        {k: _jsonable(v) for k, v in r.items() if k != "group" and v is not None and v != ""}
        for r in group.membership.to_dicts()
    ]
    payload = {
        "id": group.id,
        "name": group.name,
        "kind": group.kind,
        "description": group.description,
        "sources": list(group.sources),
        "aliases": list(group.aliases),
        "members": spells,
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def remove_group(id: str, *, home: str | Path | None = None) -> None:
    """Delete a user-defined group (built-in groups cannot be removed)."""
    if _norm(id) in _builtin()[1]:
        raise RegistryError(f"{id!r} is a built-in group and cannot be removed")
    path = user_groups_dir(home) / f"{id}.json"
    if not path.is_file():
        raise UnknownGroupError(f"no user group {id!r} in {path.parent}")
    path.unlink()


def load_groups_file(
    path: str | Path, *, persist: bool = True, overwrite: bool = False, home: str | Path | None = None
) -> list[Group]:
    """Read user groups from a CSV or JSON file, validate them and (by default) store them.

    CSV: a header with ``group`` and ``state`` and optional ``status``, ``joined``, ``left``,
    ``note``, ``source``, ``uncertain``, ``name`` (the group's name), ``kind``, ``description``;
    one spell per row. JSON: one group object, a list of them, or ``{"groups": [...]}``; each
    object has ``id``, optional ``name``/``kind``/``description``/``sources``/``aliases`` and
    ``members``: state ids or spell objects with the CSV's fields.

    Raises
    ------
    InputFormatError
        Names the file, the line (CSV; JSON: the line of the offending group where known) and the field.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFormatError("no such file", path=p)
    suffix = p.suffix.lower()
    if suffix == ".json":
        groups = _parse_json(p)
    elif suffix in (".csv", ".tsv", ".txt"):
        groups = _parse_csv(p, "\t" if suffix == ".tsv" else ",")
    else:
        raise InputFormatError(f"unknown file type {p.suffix!r}: expected .csv, .tsv or .json", path=p)
    if not groups:
        raise InputFormatError("the file defines no group", path=p)
    for g in groups:
        try:
            _check_clash(g, home=home, overwrite=overwrite)
        except RegistryError as exc:
            raise InputFormatError(str(exc), path=p, field="group" if suffix != ".json" else "id") from None
    if persist:
        for g in groups:
            _save(g, home)
    return groups


_CSV_FIELDS = (
    "group",
    "state",
    "status",
    "joined",
    "left",
    "note",
    "source",
    "uncertain",
    "name",
    "kind",
    "description",
    "precision",
)


def _parse_csv(path: Path, sep: str) -> list[Group]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputFormatError("empty file", path=path) from None
    for required in ("group", "state"):
        if required not in header:
            raise InputFormatError(
                f"missing column {required!r} (header: {', '.join(header)})", path=path, line=1, field=required
            )
    unknown = [h for h in header if h not in _CSV_FIELDS]
    if unknown:
        raise InputFormatError(
            f"unknown column {unknown[0]!r}: expected {', '.join(_CSV_FIELDS)}", path=path, line=1, field=unknown[0]
        )
    specs: dict[str, dict[str, Any]] = {}
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputFormatError(f"expected {len(header)} fields, found {len(row)}", path=path, line=line)
        rec: dict[str, Any] = {h: v.strip() for h, v in zip(header, row, strict=True)}
        gid = rec.pop("group")
        if not gid:
            raise InputFormatError("empty group id", path=path, line=line, field="group")
        spec = specs.setdefault(gid, {"id": gid, "members": [], "_line": line})
        for meta in ("name", "kind", "description"):
            value = rec.pop(meta, "")
            if value:
                if spec.get(meta) not in (None, value):
                    raise InputFormatError(
                        f"group {gid!r} has two different {meta}s ({spec[meta]!r}, {value!r})",
                        path=path,
                        line=line,
                        field=meta,
                    )
                spec[meta] = value
        rec["_line"] = line
        spec["members"].append(rec)
    return [_group_from_spec(s, where=path) for s in specs.values()]


def _parse_json(path: Path) -> list[Group]:
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if isinstance(doc, dict) and "groups" in doc:
        doc = doc["groups"]
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputFormatError("each group must be a JSON object", path=path, field=f"groups[{i}]")
        item = dict(item)
        item["_field"] = f"groups[{i}]" if isinstance(doc, list) else ""
        out.append(_group_from_spec(item, where=path))
    return out


def _group_from_spec(spec: Mapping[str, Any], *, where: Path | None) -> Group:
    """Validate one group's spec (from Python, CSV or JSON) and build the Group."""
    prefix = spec.get("_field", "")

    def fail(msg: str, fld: str, line: int | None = None) -> InputFormatError:
        f = f"{prefix}.{fld}" if prefix and where is not None and where.suffix == ".json" else fld
        return InputFormatError(msg, path=where, line=line, field=f)

    gid = spec.get("id")
    if not isinstance(gid, str) or not _ID_RE.match(gid):
        raise fail(
            f"bad group id {gid!r}: letters, digits, '_', '-' or '+', starting with a letter (max 40)",
            "group" if where is not None and where.suffix != ".json" else "id",
            spec.get("_line"),
        )
    kind = spec.get("kind") or "user"
    if kind not in GROUP_KINDS:
        raise fail(f"unknown kind {kind!r}: expected one of {', '.join(GROUP_KINDS)}", "kind", spec.get("_line"))
    raw_members = spec.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        raise fail("a group needs a non-empty list of members", "members", spec.get("_line"))
    rows = []
    for j, m in enumerate(raw_members):
        rec: dict[str, Any] = {"state": m} if isinstance(m, str) else dict(m) if isinstance(m, Mapping) else {}
        line = rec.pop("_line", None)
        base = f"members[{j}]."

        def field_name(name: str, _base: str = base) -> str:
            return name if where is None or where.suffix != ".json" else _base + name

        if not rec:
            raise fail("each member must be a state id or an object with 'state'", field_name("state"), line)
        extra = set(rec) - {"state", "status", "joined", "left", "note", "source", "uncertain", "precision"}
        if extra:
            raise fail(f"unknown field {sorted(extra)[0]!r}", field_name(sorted(extra)[0]), line)
        state = rec.get("state")
        if not isinstance(state, str) or not state.strip():
            raise fail("missing state id", field_name("state"), line)
        try:
            sid = _check_state(state)
        except UnknownStateError as exc:
            raise fail(str(exc), field_name("state"), line) from None
        status = (rec.get("status") or "member").strip().lower()
        if status not in STATUSES:
            raise fail(f"unknown status {status!r}: expected one of {', '.join(STATUSES)}", field_name("status"), line)
        dates: dict[str, dt.date | None] = {}
        for key in ("joined", "left"):
            value = rec.get(key)
            if value in (None, ""):
                dates[key] = None
                continue
            try:
                dates[key] = as_date(value)
            except InputFormatError:
                raise fail(f"{value!r} is not a date (expected YYYY-MM-DD)", field_name(key), line) from None
        if dates["joined"] and dates["left"] and dates["left"] < dates["joined"]:
            raise fail(f"left ({dates['left']}) is before joined ({dates['joined']})", field_name("left"), line)
        unc = rec.get("uncertain", False)
        if isinstance(unc, str):
            if unc.strip().lower() not in ("", "true", "false", "1", "0", "yes", "no"):
                raise fail(f"uncertain must be true or false, not {unc!r}", field_name("uncertain"), line)
            unc = unc.strip().lower() in ("true", "1", "yes")
        rows.append(
            {
                "group": gid,
                "state": sid,
                "status": status,
                "joined": dates["joined"],
                "left": dates["left"],
                "precision": str(rec.get("precision") or "day"),
                "source": str(rec.get("source") or "user"),
                "uncertain": bool(unc),
                "note": str(rec.get("note") or ""),
                "_line": line,
                "_j": j,
            }
        )
    # no overlapping spells for one state
    lo, hi = dt.date(1, 1, 1), dt.date(9999, 12, 31)
    by_state: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_state.setdefault(r["state"], []).append(r)
    for sid, spells in by_state.items():
        spells.sort(key=lambda r: r["joined"] or lo)
        for a, b in itertools.pairwise(spells):
            if (b["joined"] or lo) <= (a["left"] or hi):
                raise fail(
                    f"spells of {sid} overlap ({a['joined'] or 'start'}..{a['left'] or 'open'} and "
                    f"{b['joined'] or 'start'}..{b['left'] or 'open'})",
                    "state" if where is None or where.suffix != ".json" else f"members[{b['_j']}].joined",
                    b["_line"],
                )
    membership = pl.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows], schema=MEMBERSHIP)
    sources = spec.get("sources") or []
    aliases = spec.get("aliases") or []
    return Group(
        id=gid,
        name=str(spec.get("name") or gid),
        kind=kind,
        membership=membership.sort("state", "joined", nulls_last=False),
        description=str(spec.get("description") or ""),
        aliases=tuple(str(a) for a in aliases),
        sources=tuple(str(s) for s in sources) if not isinstance(sources, str) else (sources,),
        origin="user",
    )
