"""A stand-in for ``polycentric.open()`` used only until the record layer lands on main.

It loads Voeten's 2024 release plus the UN-DL key-vote sample from ../shared/data into the
canonical ROLL_CALLS / VOTES_VIEW / STATES shapes, so the API and dashboard shells can be
tested against real data. It is deliberately small and is dropped once ``record`` exists.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl

from polycentric.errors import UnknownStateError
from polycentric.record.schema import ROLL_CALLS, STATES, VOTES_VIEW, conform


def _norm_symbol(s: str | None) -> str | None:
    if s is None or s == "":
        return None
    s = s.strip().upper()
    if s.startswith("R/"):
        s = "A/RES/" + s[2:]
    return s


class DevRecord:
    """Record-like object over the shared data (same method names and frames)."""

    def __init__(self, data: Path) -> None:
        cc = pl.read_csv(data / "country_codes/countrycode_codelist.csv", infer_schema=False, null_values=[])
        cc = cc.select(
            iso2=pl.col("iso2c"),
            iso3=pl.col("iso3c"),
            name=pl.col("country.name.en"),
            m49=pl.col("iso3n").cast(pl.Int32, strict=False),
            cow=pl.col("cown").cast(pl.Int32, strict=False),
        ).filter(pl.col("iso3") != "")
        hist = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}
        v = pl.read_csv(data / "unvotes_voeten_2024/un_votes.csv.gz", infer_schema=False, null_values=[])
        iso2_to_3 = dict(zip(cc["iso2"].to_list(), cc["iso3"].to_list(), strict=False)) | hist
        name_fix = {"Yemen Arab Republic": "YEM", "Zanzibar": "EAZ", "Federal Republic of Germany": "DEU"}
        v = v.with_columns(
            state=pl.when(pl.col("country_code") == "")
            .then(pl.col("country").replace_strict(name_fix, default=None))
            .otherwise(pl.col("country_code").replace_strict(iso2_to_3, default=None)),
            vote=pl.col("vote").replace_strict({"yes": "Y", "no": "N", "abstain": "A"}),
            rollcall_id=pl.col("rcid").cast(pl.Int64),
            state_name=pl.col("country"),
        ).filter(pl.col("state").is_not_null())
        rc = pl.read_csv(data / "unvotes_voeten_2024/un_roll_calls.csv.gz", infer_schema=False, null_values=["NA", ""])
        iss = pl.read_csv(data / "unvotes_voeten_2024/un_roll_call_issues.csv.gz", infer_schema=False)
        iss = iss.with_columns(rcid=pl.col("rcid").cast(pl.Int64))
        rc = rc.with_columns(
            rollcall_id=pl.col("rcid").cast(pl.Int64),
            session=pl.col("session"),
            session_number=pl.col("session").cast(pl.Int32),
            date=pl.col("date").str.to_date(),
            resolution=pl.col("unres").map_elements(_norm_symbol, return_dtype=pl.String),
            title=pl.col("short"),
            agenda=pl.col("descr"),
            kind=pl.when(pl.col("amend") == "1")
            .then(pl.lit("amendment"))
            .when(pl.col("para") == "1")
            .then(pl.lit("paragraph"))
            .otherwise(pl.lit("resolution")),
            important=pl.col("importantvote").cast(pl.Int32).cast(pl.Boolean),
            body=pl.lit("GA"),
            sources=pl.lit("voeten"),
            issues_source=pl.lit("voeten"),
        ).with_columns(year=pl.col("date").dt.year().cast(pl.Int32))
        for code in ("me", "nu", "di", "hr", "co", "ec"):
            ids = iss.filter(pl.col("short_name") == code)["rcid"]
            rc = rc.with_columns(pl.col("rollcall_id").is_in(ids.implode()).alias(f"issue_{code}"))
        # key votes sample (UN DL coding) appended with fresh ids
        kv = pl.concat(
            [
                pl.read_csv(f, infer_schema=False, null_values=[]).select("resolution", "date", "ms_code", "ms_vote")
                for f in sorted((data / "unga_undl_keyvotes_sample").glob("*.csv"))
            ]
        )
        kv = kv.filter(pl.col("resolution") != "A/RES/68/262")
        extra = kv.select("resolution", "date").unique(maintain_order=True).with_row_index("i")
        extra = extra.with_columns(
            rollcall_id=(pl.col("i") + 100000).cast(pl.Int64),
            date=pl.col("date").str.to_date(),
            session=pl.col("resolution").str.extract(r"A/RES/([^/]+)/"),
            body=pl.lit("GA"),
            kind=pl.lit("resolution"),
            sources=pl.lit("file:keyvotes"),
            title=pl.when(pl.col("resolution").str.contains("ES-11"))
            .then(pl.lit("AGGRESSION AGAINST UKRAINE"))
            .otherwise(
                pl.lit(
                    "ILLEGAL ISRAELI ACTIONS IN OCCUPIED EAST JERUSALEM AND THE REST OF THE OCCUPIED PALESTINIAN TERRITORY"
                )
            ),
        ).with_columns(
            year=pl.col("date").dt.year().cast(pl.Int32),
            session_number=(pl.col("date").dt.year() - 1945 - (pl.col("date").dt.month() < 9).cast(pl.Int32)).cast(
                pl.Int32
            ),
        )
        kv = kv.join(extra.select("resolution", "rollcall_id"), on="resolution").select(
            "rollcall_id", state="ms_code", vote="ms_vote"
        )
        self._roll_calls = conform(pl.concat([conform(rc, ROLL_CALLS), conform(extra, ROLL_CALLS)]), ROLL_CALLS)
        states = cc.filter(pl.col("iso3").is_in(pl.concat([v["state"], kv["state"]]).unique().implode()))
        states = pl.concat(
            [
                states,
                pl.DataFrame(
                    {
                        "iso2": ["CS", "YU", "DD", "YD", "TZ"],
                        "iso3": ["CSK", "YUG", "DDR", "YMD", "EAZ"],
                        "name": [
                            "Czechoslovakia",
                            "Yugoslavia",
                            "German Democratic Republic",
                            "Yemen (South)",
                            "Zanzibar",
                        ],
                        "m49": [200, 891, 278, 720, None],
                        "cow": [315, 345, 265, 680, 511],
                    },
                    schema_overrides={"m49": pl.Int32, "cow": pl.Int32},
                ),
            ]
        )
        self._states = conform(states.with_columns(state=pl.col("iso3")), STATES).unique("state").sort("state")
        names = dict(zip(self._states["state"].to_list(), self._states["name"].to_list(), strict=False))
        allv = pl.concat([v.select("rollcall_id", "state", "vote"), kv])
        allv = allv.with_columns(state_name=pl.col("state").replace_strict(names, default=None))
        self._votes = conform(
            allv.join(
                self._roll_calls.select("rollcall_id", "resolution", "date", "year", "session", "session_number"),
                on="rollcall_id",
            ),
            VOTES_VIEW,
        )
        self.version = hashlib.sha256(f"dev-{self._votes.height}-{date.today()}".encode()).hexdigest()[:16]

    def _filter_rc(
        self,
        session=None,
        year=None,
        start=None,
        end=None,
        issue=None,
        state=None,
        resolution=None,
        search=None,
        kind=None,
        body="GA",
    ) -> pl.DataFrame:
        df = self._roll_calls
        if body is not None:
            df = df.filter(pl.col("body") == body)
        if session is not None:
            df = df.filter(pl.col("session") == str(session))
        if year is not None:
            df = df.filter(pl.col("year") == year)
        if start is not None:
            df = df.filter(pl.col("date") >= pl.lit(date.fromisoformat(str(start))))
        if end is not None:
            df = df.filter(pl.col("date") <= pl.lit(date.fromisoformat(str(end))))
        if issue is not None:
            df = df.filter(pl.col(f"issue_{issue}"))
        if resolution is not None:
            df = df.filter(pl.col("resolution") == _norm_symbol(resolution))
        if search is not None:
            df = df.filter(
                pl.col("title").str.to_lowercase().str.contains(search.lower(), literal=True)
                | pl.col("resolution").str.contains(search.upper(), literal=True)
            )
        if kind is not None:
            df = df.filter(pl.col("kind") == kind)
        if state is not None:
            ids = self._votes.filter(pl.col("state") == self._state_id(state))["rollcall_id"]
            df = df.filter(pl.col("rollcall_id").is_in(ids.implode()))
        return df

    def _state_id(self, code: str) -> str:
        code = code.upper()
        if code not in set(self._states["state"].to_list()):
            raise UnknownStateError(f"unknown state {code!r}")
        return code

    def roll_calls(self, **kw) -> pl.DataFrame:  # type: ignore[no-untyped-def]
        return self._filter_rc(**kw).sort("date", "rollcall_id")

    def votes(self, **kw) -> pl.DataFrame:  # type: ignore[no-untyped-def]
        state = kw.pop("state", None)
        ids = self._filter_rc(**kw)["rollcall_id"]
        df = self._votes.filter(pl.col("rollcall_id").is_in(ids.implode()))
        if state is not None:
            df = df.filter(pl.col("state") == self._state_id(state))
        return df.sort("date", "rollcall_id", "state")

    def states(self, **kw) -> pl.DataFrame:  # type: ignore[no-untyped-def]
        return self._states
