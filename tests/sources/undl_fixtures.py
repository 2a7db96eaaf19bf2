"""Small hand-made UN Digital Library files (GA, SC, member-state authorities) for the sources tests."""

from __future__ import annotations

import csv
import io

from polycentric.sources.download import GA_COLUMNS_2026

GA_RECORD, SC_RECORD, AUTH_RECORD = 4060887, 4055387, 4082085


def _csv(header: list[str] | tuple[str, ...], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def ga_file(n_rollcalls: int = 3, extra_title: str = "") -> bytes:
    """A GA bulk file in the 2026 layout: ``n_rollcalls`` roll calls, four states each."""
    rows: list[list[object]] = []
    states = [("AFG", "AFGHANISTAN"), ("BRA", "BRAZIL"), ("RUS", "RUSSIAN FEDERATION"), ("USA", "UNITED STATES")]
    for k in range(n_rollcalls):
        votes = ["Y", "Y", "N", "A"] if k % 2 == 0 else ["Y", "A", "Y", "N"]
        tally = {v: votes.count(v) for v in "YNAX"}
        for (code, name), v in zip(states, votes, strict=True):
            rows.append(
                [4000000 + k, code, name, v, f"2025-12-{10 + k:02d}", "80", f"A/RES/80/{100 + k}", f"A/80/L.{k}",
                 "", f"A/80/PV.{50 + k}", f"Resolution {k}{extra_title} : resolution / adopted by the General Assembly",
                 "Question of Palestine", "PALESTINE QUESTION|PEACEFUL SETTLEMENT", "",
                 f"{tally['Y']}.0", f"{tally['N']}.0", f"{tally['A']}.0", "0.0", "4.0",
                 f"https://digitallibrary.un.org/record/{4000000 + k}"]
            )  # fmt: skip
    return _csv(GA_COLUMNS_2026, rows)


SC_HEADER = [
    "undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution", "draft", "meeting", "description",
    "agenda", "subjects", "modality", "vote_note", "total_yes", "total_no", "total_abstentions",
    "total_non_voting", "total_ms", "undl_link",
]  # fmt: skip


def sc_file() -> bytes:
    """Two SC votes: an adopted resolution (1950, USSR absent) and a vetoed draft (2022)."""
    rows: list[list[object]] = []
    r1 = [("CHN", "CHINA", "Y"), ("FRA", "FRANCE", "Y"), ("GBR", "UNITED KINGDOM", "Y"),
          ("USA", "UNITED STATES", "Y"), ("SUN", "UNION OF SOVIET SOCIALIST REPUBLICS", "X"), ("YUG", "YUGOSLAVIA", "N")]  # fmt: skip
    for code, name, v in r1:
        rows.append([1234, code, name, v, "1950-06-27", "S/RES/83(1950)", "S/1511", "S/PV.474",
                     "Complaint of aggression upon the Republic of Korea", "Korea", "KOREA QUESTION", "Voting",
                     "", "4", "1", "0", "1", "6", ""])  # fmt: skip
    r2 = [("USA", "UNITED STATES", "Y"), ("RUS", "RUSSIAN FEDERATION", "N"), ("CHN", "CHINA", "A"),
          ("GBR", "UNITED KINGDOM", "Y"), ("FRA", "FRANCE", "Y"), ("IND", "INDIA", "A")]  # fmt: skip
    for code, name, v in r2:
        rows.append([3959039, code, name, v, "2022-02-25", "", "S/2022/155", "S/PV.8979",
                     "Letter dated 28 February 2014 from the Permanent Representative of Ukraine", "Ukraine",
                     "UKRAINE--TERRITORIAL INTEGRITY", "Voting", "", "4.0", "1.0", "2.0", "0.0", "6.0", ""])  # fmt: skip
    return _csv(SC_HEADER, rows)


AUTH_HEADER = [
    "", "Member State", "M49 Code", "ISO Code", "Start date", "End date", "Other Names", "Earlier or Later Name",
    "Earlier (a) or Later (b)", "Geographic Term", "Membership Document Symbol", "Scope Note", "French",
]  # fmt: skip


def auth_file() -> bytes:
    """A hand-made authority file: renames, a union that split, a dissolution, a two-episode name."""
    rows = [
        [0, "Upper Volta", "854", "HVO", "1960-09-20", "1984-08-04", "", "Burkina Faso", "b", "", "", "", "Haute-Volta"],
        [1, "Burkina Faso", "854", "BFA", "1984-08-04", "", "", "Upper Volta", "a", "", "", "", "Burkina Faso"],
        [2, "Union of Soviet Socialist Republics", "810", "SUN", "1945-10-24", "1991-12-24", "USSR",
         "Russian Federation", "b", "", "", "", ""],
        [3, "Russian Federation", "643", "RUS", "1991-12-24", "", "", "Union of Soviet Socialist Republics", "a",
         "", "", "", ""],
        [4, "Egypt", "818", "EGY", "1945-10-24, 1971-09-02", "1958-02-21", "", "United Arab Republic", "", "", "", "", ""],
        [5, "Syrian Arab Republic", "760", "SYR", "1945-10-24, 1961-10-13", "1958-02-21", "Syria",
         "United Arab Republic", "", "", "", "", ""],
        [6, "United Arab Republic", "", "UAR", "1958-02-21", "1971-09-02", "", "Egypt", "b", "", "", "", ""],
        [7, "Czechoslovakia", "200", "CSK", "10/24/45", "12/31/92", "", "", "", "", "", "", ""],
        [8, "Czech Republic", "203", "CZE", "1993-01-19", "", "Czechia", "", "", "", "", "", ""],
    ]  # fmt: skip
    return _csv(AUTH_HEADER, rows)  # type: ignore[arg-type]
