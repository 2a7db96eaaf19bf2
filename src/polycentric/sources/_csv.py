"""CSV scanning shared by the readers: encodings, gzip, the fast whole-file read, streaming, error location.

CSV files are first read whole by Polars (:func:`read_csv_fast`,
:func:`read_csv_fast_runs`), which is fast but lenient: it pads short records
with nulls and, when it converts only some columns, ignores extra fields. So
the fast read returns a frame only when it can vouch for the file (whole file
UTF-8, one line per record, every record as long as the header); otherwise the
file is parsed with ``pyarrow.csv`` in a streaming fashion (:func:`stream_csv`:
bounded memory, quote-aware, gzip decompressed on the fly). pyarrow refuses
ragged rows, invalid UTF-8 and truncated gzip streams but does not say on
which line; when it refuses a file, :func:`locate_problem` rescans it with the
standard ``csv`` module to name the physical line and the field, so the error
a user sees reads ``FILE, line N, field 'F': what is wrong``.

Dependency rule: imports ``polycentric.errors``; computes no statistics and never touches the store.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from polycentric.errors import InputFormatError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FAST_READ_LIMIT",
    "first_bad",
    "guess_encoding",
    "is_gzip",
    "locate_problem",
    "open_binary",
    "physical_line",
    "physical_lines",
    "read_csv_fast",
    "read_csv_fast_runs",
    "read_frame",
    "read_header",
    "stream_csv",
]

# ---------------------------------------------------------------- files

# Every field is read whole by the csv module when a line or field is located (an error path), so its
# default limit of 128 KiB per field must not turn a long field into a traceback; the readers refuse
# fields over polycentric.sources._checks.FIELD_LIMIT with a message instead.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)


def guess_encoding(sample: bytes) -> str:
    """The name of the encoding a non-UTF-8 sample of bytes most likely is in (for error messages)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample[:4096]:
        return "UTF-16 or UTF-32 (no byte-order mark)"
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return "an 8-bit encoding other than Windows-1252 (e.g. ISO-8859-x or a DOS code page)"
    return "Windows-1252 or Latin-1 (ISO-8859-1)"


def _sample(path: Path) -> bytes:
    try:
        with open_binary(path) as fh:
            return fh.read(1 << 16)
    except (OSError, EOFError, zlib.error):
        return b""


def is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def open_binary(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed when it is gzip (detected by its magic bytes, not its name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")
    return path.open("rb")


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file (gzip or plain), BOM stripped."""
    try:
        with open_binary(path) as fh:
            first = fh.readline(1 << 20)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFormatError(f"cannot read the file: {exc}", path=path, line=1) from None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFormatError(
            f"not UTF-8 text: the file looks like {guess_encoding(_sample(path))}; save it as UTF-8",
            path=path,
            line=1,
        ) from None
    row = next(csv.reader([text]), [])
    return [c.strip() for c in row]


def _field_of(header: list[str], index: int) -> str:
    return header[index] if 0 <= index < len(header) else f"column {index + 1}"


def locate_problem(path: Path, header: list[str] | None = None) -> InputFormatError:
    """Rescan a file that a fast parser refused and say where it is malformed.

    Checks, in order: the gzip stream is complete; every line is UTF-8; every
    record has as many fields as the header. Returns the error (to raise);
    when nothing is found, a generic error naming the file.
    """
    path = Path(path)
    if is_gzip(path):
        lines = 0
        try:
            with gzip.open(path, "rb") as gz:
                while chunk := gz.read(1 << 22):
                    lines += chunk.count(b"\n")
        except (EOFError, OSError, zlib.error) as exc:
            return InputFormatError(
                f"truncated or corrupt gzip stream ({exc}); the data stop inside line {lines + 1}",
                path=path,
                line=lines + 1,
            )
    hdr = header if header is not None else read_header(path)
    with open_binary(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace")
                idx = 0
                row = next(csv.reader([text]), [])
                for i, value in enumerate(row):
                    if "\ufffd" in value:
                        idx = i
                        break
                return InputFormatError(
                    f"not UTF-8 text (byte {raw[exc.start]:#04x} at column {exc.start + 1}; the file looks like "
                    f"{guess_encoding(raw)}); save the file as UTF-8",
                    path=path,
                    line=lineno,
                    field=_field_of(hdr, idx),
                )
    with open_binary(path) as fh:
        text_io = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")  # type: ignore[type-var]
        reader = csv.reader(text_io)
        next(reader, None)
        start = 2
        for row in reader:
            if len(row) != len(hdr):
                missing = len(row) < len(hdr)
                return InputFormatError(
                    f"ragged row: {len(row)} fields where the header has {len(hdr)}"
                    + (" (fields missing)" if missing else " (extra fields)"),
                    path=path,
                    line=start,
                    field=_field_of(hdr, len(row) if missing else len(hdr)),
                )
            start = reader.line_num + 1
    return InputFormatError("the file could not be parsed as CSV", path=path)


def physical_line(path: Path, record_index: int) -> int:
    """The 1-based physical line on which data record ``record_index`` (0-based) starts.

    Quoted fields may span lines, so records and lines differ; the header is line 1.
    """
    with open_binary(path) as fh:
        reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline=""))  # type: ignore[type-var]
        next(reader, None)
        start = 2
        for i, _ in enumerate(reader):
            if i == record_index:
                return start
            start = reader.line_num + 1
    return start


def physical_lines(path: Path, record_indices: list[int]) -> dict[int, int]:
    """:func:`physical_line` of several records, in one pass over the file."""
    wanted = set(record_indices)
    out: dict[int, int] = {}
    if not wanted:
        return out
    last = max(wanted)
    with open_binary(path) as fh:
        reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline=""))  # type: ignore[type-var]
        next(reader, None)
        start = 2
        for i, _ in enumerate(reader):
            if i in wanted:
                out[i] = start
            if i >= last:
                break
            start = reader.line_num + 1
    return out


def stream_csv(
    path: Path, columns: list[str], header: list[str], block_size: int = 1 << 24
) -> Iterator[pa.RecordBatch]:
    """Stream the named columns of a CSV (plain or gzip) as Arrow record batches of strings.

    Every column is parsed and checked to be UTF-8, even those not returned.
    Empty fields become null; nothing else does ("NA" stays the string "NA",
    Namibia's ISO2 code). Malformed input raises :class:`InputFormatError`
    naming the line and field (see :func:`locate_problem`).
    """
    import pyarrow as pa  # imported here: the fast path (Polars) does without it
    import pyarrow.csv as pacsv

    compression = "gzip" if is_gzip(path) else None
    read = pacsv.ReadOptions(block_size=block_size, use_threads=True)
    # every column is converted (and so checked to be UTF-8), only ``columns`` are returned
    conv = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
        check_utf8=True,
    )
    parse = pacsv.ParseOptions(newlines_in_values=True)
    try:
        stream = pa.input_stream(str(path), compression=compression)
        reader = pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=conv)
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            yield batch.select(columns)
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        err = locate_problem(path, header)
        if err.line is None:
            err = InputFormatError(f"the file could not be parsed as CSV: {exc}", path=path)
        raise err from None


FAST_READ_LIMIT = 1 << 30
"""Largest file (bytes on disk) that :func:`read_csv_fast` reads whole into memory."""

_LINE_SEPARATOR = "\x1f"  # any byte Polars will not find on a line: each line is read as one value


def _read_lines(path: Path) -> pl.Series | None:
    """Every line of a CSV file (gunzipped) as one UTF-8 string each, or None if Polars cannot vouch.

    Reading each whole line as a single String value makes Polars check that the
    entire file is UTF-8 (a String is valid UTF-8 by construction). Blank lines,
    a line holding the separator byte, or invalid UTF-8 give None.
    """
    try:
        lines = pl.read_csv(
            path,
            has_header=False,
            separator=_LINE_SEPARATOR,
            quote_char=None,
            infer_schema=False,
            truncate_ragged_lines=False,
            empty_string_is_null=True,
            raise_if_empty=True,
        )
    except Exception:  # any refusal: the streaming reader says what and where
        return None
    if lines.width != 1 or lines.null_count().item() != 0:
        return None
    return lines.to_series()


def _padded(df: pl.DataFrame, ends: pl.Series) -> bool:
    """Whether Polars padded a short record of ``df`` (all columns parsed) with nulls.

    Polars fills the missing last fields of a short record with nulls. A record
    of the right length whose last ``t`` values are null ends in ``t`` commas,
    its empty last fields (one fewer when all are empty: ``a,b,,`` is four
    fields, ``,,,`` too); a short record ends in fewer. ``ends`` holds the last
    characters of each record's line (at least one more than there are columns).
    """
    if df.height == 0:
        return False
    alive = pl.lit(True)
    runs: list[pl.Expr] = []
    for c in reversed(df.columns):
        alive = alive & pl.col(c).is_null()
        runs.append(alive.cast(pl.Int32))
    nulls = df.select(pl.sum_horizontal(runs).alias("t")).to_series()
    longest = int(nulls.cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
    ends = ends.str.strip_chars_end("\r") if bool(ends.str.ends_with("\r").any()) else ends
    for j in range(1, min(longest, df.width - 1) + 1):
        if bool(((nulls >= j) & ~ends.str.ends_with("," * j)).any()):
            return True
    return False


def _null_empty(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The named columns with empty strings (quoted empty fields) as null, as the streaming reader gives them."""
    return df.select([pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns])


def _parse_all(data: str | bytes | Path, header: list[str]) -> pl.DataFrame | None:
    """Every column as strings (Polars refuses a record with too many fields only when all are parsed)."""
    try:
        df = pl.read_csv(
            data.encode("utf-8") if isinstance(data, str) else data,
            infer_schema=False,
            truncate_ragged_lines=False,
            empty_string_is_null=True,
            raise_if_empty=False,
            quote_char='"',
        )
    except Exception:  # any refusal: the streaming reader says what and where
        return None
    if [c.strip() for c in df.columns] != header:
        return None
    df.columns = header
    return df


def _split_leading(body: pl.Series, lead: list[str]) -> pl.DataFrame | None:
    """The first ``len(lead)`` fields of each line and the length in bytes of what follows them (``_rest_len``).

    None when a line has fewer fields than that, or a quote among them (the
    split would not be CSV). The lines are cut into one slice per thread,
    processed in parallel (:func:`polars.collect_all`).
    """
    n = len(lead)
    line = pl.col("line")
    fields = line.str.split_exact(",", n - 1).struct.rename_fields(lead).struct.unnest()
    lead_len = pl.sum_horizontal([pl.col(c).str.len_bytes() for c in lead]).cast(pl.Int64) + n
    step = max(1, -(-body.len() // pl.thread_pool_size()))
    frames = [
        pl.LazyFrame({"line": body.slice(offset, step)})
        .select(fields, line.str.len_bytes().cast(pl.Int64).alias("_len"), line.str.find('"', literal=True).alias("_q"))
        .with_columns(lead_len.alias("_lead"))
        .select(
            *lead,
            (pl.col("_len") - pl.col("_lead")).alias("_rest_len"),
            # split_exact leaves the missing last fields null; the quote's offset is in bytes (null: no quote)
            (pl.col(lead[-1]).is_null() | (pl.col("_q") < pl.col("_lead")).fill_null(False)).alias("_bad"),
        )
        for offset in range(0, max(body.len(), 1), step)
    ]
    split = pl.concat(pl.collect_all(frames), rechunk=False)
    if bool(split["_bad"].any()):
        return None
    return split.drop("_bad")


_FAST_READ_DOC = """

    It returns frames only when it can vouch for the same guarantees as the
    streaming reader; otherwise None (the caller then streams the file with
    :func:`stream_csv`, which accepts what is valid and names the line and field
    of what is not). Checks:

    - the gzip stream is complete and the whole file is UTF-8, every column
      (each line is first read whole as a String);
    - no record spans lines: one line per record (a file with a quoted title
      over two lines, or with blank lines, goes to the quote-aware streaming parser);
    - every record has as many fields as the header: Polars refuses a longer
      record and pads a shorter one with nulls, which the ends of the lines
      show (see :func:`_padded`).

    Empty fields, quoted or not, become null; nothing else does ("NA" stays
    "NA"). ``_rec`` is the 0-based record index.
    """


def read_csv_fast(path: Path, columns: list[str], header: list[str]) -> pl.DataFrame | None:
    """The named columns of a CSV as strings, read whole by Polars, *if the file is plainly well formed*."""
    if path.stat().st_size > FAST_READ_LIMIT or len(header) < 2 or not set(columns) <= set(header):
        return None
    lines = _read_lines(path)
    if lines is None:
        return None
    n_lines = lines.len()
    ends = lines.slice(1).str.tail(len(header) + 1)  # enough for the trailing commas and a CR
    del lines
    df = _parse_all(path, header)
    if df is None or df.height + 1 != n_lines or _padded(df, ends):
        return None
    return _null_empty(df, columns).with_row_index("_rec").with_columns(pl.col("_rec").cast(pl.Int64))


def read_csv_fast_runs(
    path: Path, header: list[str], key: str, n_leading: int, columns: list[str], first_columns: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """A file of one row per vote, read by splitting each line after its per-vote fields.

    In a vote file (one row per state per roll call) the roll call's fields
    (date, symbol, title, agenda, totals...) repeat, character for character,
    on every row of the roll call; only the first ``n_leading`` fields (the
    roll call's ``key``, the state, its vote) change. So each line is split
    after its ``n_leading``-th comma (no quote may occur before it), and only
    the *anchors* are parsed as CSV, whole: the first line of each run of
    lines with the same key, and any line whose remainder (the text after
    that comma) differs from the remainder of its run's first line. Every
    other line has, byte for byte, the remainder of its run's first line, so
    the same fields (and the same number of fields).

    Returns ``columns`` for every row (the leading ones as split, the others
    from the row's anchor) and ``first_columns`` for the first row of each key,
    both with ``_rec``.
    """
    if path.stat().st_size > FAST_READ_LIMIT or key not in header[:n_leading] or len(header) <= n_leading:
        return None
    lines = _read_lines(path)
    if lines is None:
        return None
    body = lines.slice(1)
    lead = header[:n_leading]
    split = _split_leading(body, lead)
    if split is None:
        return None
    rest_len = split.drop_in_place("_rest_len")
    k = split[key]
    run_start = (k != k.shift(1)).fill_null(True)
    starts = run_start.arg_true()
    start_rest = body.gather(starts).str.splitn(",", n_leading + 1).struct.field(f"field_{n_leading}")
    run = run_start.cast(pl.Int64).cum_sum() - 1
    run_rest = start_rest.gather(run)  # the roll-call part of the first line of each row's run
    # a line is its run's first line with other per-vote fields when it ends with the same roll-call part
    same = pl.DataFrame({"line": body, "rest": run_rest, "n": rest_len}).select(
        (pl.col("n") == pl.col("rest").str.len_bytes().cast(pl.Int64)) & pl.col("line").str.ends_with(pl.col("rest"))
    )
    anchor = (run_start | ~same.to_series()).fill_null(True)
    del run_rest, same, rest_len
    anchor_rows = anchor.arg_true()
    anchor_lines = lines.slice(1).gather(anchor_rows)
    text = pl.concat([lines.slice(0, 1), anchor_lines]).str.join("\n").item() + "\n"
    del lines, body, k
    parsed = _parse_all(text, header)
    del text
    if parsed is None or parsed.height != anchor_rows.len():
        return None  # a record over two lines joins two of them (or splits one): not vouched for
    if _padded(parsed, anchor_lines.str.tail(len(header) + 1)):
        return None
    parsed = _null_empty(parsed, header)
    # each row's anchor (0-based among the anchors): itself, or the first line of its run
    position = anchor.cast(pl.Int64).cum_sum() - 1
    which = (
        pl.DataFrame({"a": anchor, "s": run_start, "p": position})
        .select(pl.when(pl.col("a")).then(pl.col("p")).otherwise(pl.when(pl.col("s")).then(pl.col("p")).forward_fill()))
        .to_series()
    )
    rows = _null_empty(split, [c for c in columns if c in lead])
    from_anchor = [c for c in columns if c not in lead]
    if from_anchor:
        rows = rows.with_columns(parsed.select(pl.col(from_anchor).gather(which)).get_columns())
    rows = rows.with_columns(pl.int_range(rows.height, dtype=pl.Int64).alias("_rec"))
    firsts = parsed.with_columns(anchor_rows.cast(pl.Int64).alias("_rec")).filter(pl.col(key).is_first_distinct())
    return rows.select("_rec", *columns), firsts.select("_rec", *first_columns)


read_csv_fast.__doc__ = (read_csv_fast.__doc__ or "") + _FAST_READ_DOC


def read_frame(path: Path, columns: list[str], header: list[str]) -> pl.DataFrame:
    """The named columns of a CSV as one DataFrame of strings, with ``_rec`` the 0-based record index.

    Tries :func:`read_csv_fast` and streams the file with :func:`stream_csv` when
    that cannot vouch for the file.
    """
    fast = read_csv_fast(path, columns, header)
    if fast is not None:
        return fast
    parts: list[pl.DataFrame] = []
    for batch in stream_csv(path, columns, header):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        parts.append(frame)
    df = pl.concat(parts) if parts else pl.DataFrame(schema={c: pl.String for c in columns})
    return df.with_row_index("_rec").with_columns(pl.col("_rec").cast(pl.Int64))


def first_bad(mask: pl.Series) -> int | None:
    """Index of the first True in a boolean Series, or None."""
    idx = mask.arg_true()
    return int(idx[0]) if idx.len() else None
