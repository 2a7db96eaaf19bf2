"""The fast whole-file CSV read agrees with the streaming reader, and declines every file it cannot vouch for."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from polycentric.errors import InputFormatError
from polycentric.sources.common import read_csv_fast, read_csv_fast_runs, split_duplicates, stream_csv

HEADER = ["id", "code", "title", "note", "total", "link"]

# values a CSV writer has to quote (commas, quotes), empties, "NA" (Namibia), non-ASCII
VALUE = st.one_of(
    st.just(""),
    st.just("NA"),
    st.sampled_from(["Aggression, against Ukraine", 'a "quoted" word', "Côte d'Ivoire", "Türkiye", " spaced "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _streamed(path: Path, columns: list[str], header: list[str] = HEADER) -> pl.DataFrame:
    """What the streaming (pyarrow) reader gives for the same file."""
    parts = [pl.from_arrow(b) for b in stream_csv(path, columns, header)]
    frame = pl.concat(parts) if parts else pl.DataFrame(schema={c: pl.String for c in columns})  # type: ignore[arg-type]
    assert isinstance(frame, pl.DataFrame)
    return frame


def _file(tmp_path: Path, data: bytes, gz: bool, name: str = "t.csv") -> Path:
    path = tmp_path / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(VALUE, min_size=len(HEADER), max_size=len(HEADER)), max_size=8), gz=st.booleans())
def test_fast_read_equals_streaming_read(tmp_path: Path, rows: list[list[str]], gz: bool) -> None:
    path = _file(tmp_path, _csv(rows), gz)
    columns = ["id", "title", "total"]
    fast = read_csv_fast(path, columns, HEADER)
    streamed = _streamed(path, columns)
    single_line = not any("\n" in v or "\r" in v for r in rows for v in r)
    if single_line:
        assert fast is not None
        assert fast["_rec"].to_list() == list(range(len(rows)))
        assert fast.drop("_rec").rows() == streamed.rows()
    else:
        assert fast is None  # a value over two lines: the quote-aware streaming parser reads it


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(st.sampled_from(["", "x", "1"]), min_size=len(HEADER), max_size=len(HEADER)), min_size=1),
    which=st.integers(min_value=0),
    drop=st.integers(min_value=1, max_value=len(HEADER) - 1),
    gz=st.booleans(),
)
def test_fast_read_declines_a_short_record(
    tmp_path: Path, rows: list[list[str]], which: int, drop: int, gz: bool
) -> None:
    """A record with fields missing at its end is padded by Polars: the fast read must see it and decline."""
    lines = _csv(rows).decode().splitlines()
    i = 1 + which % len(rows)
    lines[i] = ",".join(lines[i].split(",")[: len(HEADER) - drop])
    assume(lines[i] != "")  # a blank line is no record: the streaming reader skips it, the fast read declines
    path = _file(tmp_path, ("\n".join(lines) + "\n").encode(), gz)
    assert read_csv_fast(path, ["id", "code"], HEADER) is None
    with pytest.raises(InputFormatError, match=r"ragged|CSV"):
        _streamed(path, ["id", "code"])


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"1,USA,t,,2,\n2,FRA,t,,2\n", "short record whose last field is empty elsewhere"),
        (b"1,USA,t,,2,\n2,FRA,t,,2,,\n", "long record"),
        (b"1,USA,t,,2,\n\n2,FRA,t,,2,\n", "blank line"),
        (b'1,USA,"two\nlines",,2,\n', "a value over two lines"),
        (b"1,USA,t,\xff,2,\n", "invalid UTF-8 in a column not converted"),
        (b'1,USA,"unterminated,,2,\n', "unterminated quote"),
    ],
)
def test_fast_read_declines(tmp_path: Path, body: bytes, why: str) -> None:
    path = _file(tmp_path, ",".join(HEADER).encode() + b"\n" + body, gz=False)
    assert read_csv_fast(path, ["id", "code"], HEADER) is None, why


def test_fast_read_declines_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(_csv([["1", "USA", "t", "", "2", ""]] * 2000))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    assert read_csv_fast(path, ["id"], HEADER) is None


def test_fast_read_keeps_na_and_nulls_empty_fields(tmp_path: Path) -> None:
    path = _file(tmp_path, _csv([["1", "NA", "", "", '""', "x"], ["2", "NA", "t", "", "", ""]]), gz=True)
    fast = read_csv_fast(path, ["id", "code", "title", "total"], HEADER)
    assert fast is not None
    assert fast.rows() == [(0, "1", "NA", None, '""'), (1, "2", "NA", "t", None)]
    assert fast.drop("_rec").rows() == _streamed(path, ["id", "code", "title", "total"]).rows()


VOTE_HEADER = ["key", "code", "vote", "date", "title", "note", "total", "link"]


def _vote_rows(draw_rows: list[tuple[int, str, str, str, str]]) -> list[list[str]]:
    """Rows of a vote file: each roll call's fields repeat on its rows unless a row has its own note."""
    titles = {1: "Aggression, against Ukraine", 2: 'The "Golan"', 3: "", 4: "Côte d'Ivoire"}
    return [[str(k), code, vote, f"2022-0{k}-01", titles[k], note, "3", ""] for k, code, vote, note, _ in draw_rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spec=st.lists(
        st.tuples(
            st.integers(1, 4),
            st.sampled_from(["USA", "FRA", "NA"]),
            st.sampled_from(["Y", "N", ""]),
            st.sampled_from(["", "", "", "later changed, to Y"]),
            st.just(""),
        ),
        min_size=1,
        max_size=12,
    ),
    gz=st.booleans(),
)
def test_runs_read_equals_streaming_read(tmp_path: Path, spec: list[tuple[int, str, str, str, str]], gz: bool) -> None:
    rows = _vote_rows(spec)
    path = _file(tmp_path, _csv(rows, VOTE_HEADER), gz)
    columns = ["key", "code", "vote", "date"]
    firsts = ["key", "date", "title", "note", "total"]
    got = read_csv_fast_runs(path, VOTE_HEADER, "key", 3, columns, firsts)
    assert got is not None
    per_row, first = got
    streamed = _streamed(path, VOTE_HEADER, VOTE_HEADER)
    assert per_row.drop("_rec").rows() == streamed.select(columns).rows()
    expected = streamed.with_row_index("_rec").filter(pl.col("key").is_first_distinct())
    assert first.rows() == expected.select(pl.col("_rec").cast(pl.Int64), *firsts).rows()


def test_runs_read_takes_the_first_record_of_each_key(tmp_path: Path) -> None:
    rows = [
        ["7", "USA", "Y", "2022-01-01", "First, title", "", "3", ""],
        ["7", "FRA", "N", "2022-01-01", "First, title", "", "3", ""],
        ["9", "USA", "Y", "2022-02-02", "", "n", "2", ""],
        ["7", "RUS", "A", "2022-01-01", "First, title", "", "3", ""],
        ["9", "FRA", "Y", "2022-02-02", "other", "", "2", ""],
    ]
    path = _file(tmp_path, _csv(rows, VOTE_HEADER), gz=True)
    got = read_csv_fast_runs(path, VOTE_HEADER, "key", 3, ["key", "code", "vote", "date"], ["key", "title", "note"])
    assert got is not None
    per_row, firsts = got
    assert per_row.rows() == [(i, r[0], r[1], r[2], r[3]) for i, r in enumerate(rows)]
    assert firsts.rows() == [(0, "7", "First, title", None), (2, "9", None, "n")]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"1,USA,Y,2022-01-01,t,,3,\n1,FRA,Y,2022-01-01,t,,3\n", "a short row inside a roll call"),
        (b"1,USA,Y,2022-01-01,t,,3,\n1,FRA,Y,2022-01-01,t,,3,,\n", "a long row inside a roll call"),
        (b"1,USA,Y,2022-01-01,t,,3,,x\n", "a long first row"),
        (b'1,"USA",Y,2022-01-01,t,,3,\n', "a quote among the per-vote fields"),
        (b"1,USA\n", "fewer fields than the per-vote ones"),
        (b'1,USA,Y,2022-01-01,"t\n",,3,\n', "a title over two lines"),
        (b"1,USA,Y,2022-01-01,t,\xff,3,\n", "invalid UTF-8"),
    ],
)
def test_runs_read_declines(tmp_path: Path, body: bytes, why: str) -> None:
    path = _file(tmp_path, ",".join(VOTE_HEADER).encode() + b"\n" + body, gz=False)
    assert read_csv_fast_runs(path, VOTE_HEADER, "key", 3, ["key", "code"], ["key"]) is None, why



@pytest.mark.parametrize(
    "body",
    [
        b"1,USA,Y,\n1,FRA,N\n",  # the short row repeats the (empty) remainder of the row before it
        b"1,USA,Y,\n1,FRA,N\n1,RUS,A,\n",
        b"1,USA,Y\n",
    ],
)
def test_runs_read_declines_a_row_of_only_the_per_vote_fields(tmp_path: Path, body: bytes) -> None:
    """A row with no comma after its per-vote fields is short, even when what follows them matches the row before."""
    header = ["key", "code", "vote", "note"]
    path = _file(tmp_path, b"key,code,vote,note\n" + body, gz=False)
    assert read_csv_fast_runs(path, header, "key", 3, ["key", "code", "vote", "note"], ["key"]) is None
    with pytest.raises(InputFormatError, match=r"ragged|CSV"):  # the streaming reader refuses it
        _streamed(path, header, header)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.sampled_from(["USA", "TWN", "FRA"]), st.sampled_from(["Y", "N", "A", "X"])),
        max_size=14,
    )
)
def test_split_duplicates_keeps_a_vote_over_an_x_else_the_first(rows: list[tuple[int, str, str]]) -> None:
    votes = pl.DataFrame(rows, schema={"src_rc": pl.Int64, "state": pl.String, "vote": pl.String}, orient="row")
    kept, dropped = split_duplicates(votes.with_row_index("i"))
    winner: dict[tuple[int, str], int] = {}
    for i, (rc, state, vote) in enumerate(rows):
        j = winner.get((rc, state))
        if j is None or (rows[j][2] == "X" and vote != "X"):
            winner[(rc, state)] = i
    assert kept["i"].to_list() == sorted(winner.values())
    assert sorted(kept["i"].to_list() + dropped["i"].to_list()) == list(range(len(rows)))
