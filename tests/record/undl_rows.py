"""A small UN DL-layout file for record tests: one roll call, its votes and the tallies counted from them."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,agenda_title,"
    "subjects,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link\n"
)


def undl_file(path: Path, undl_id: int, symbol: str, date: str, votes: dict[str, str]) -> Path:
    """Write roll call ``undl_id`` (``symbol`` on ``date``, titled "Title {undl_id} {symbol}") to ``path``."""
    y = sum(v == "Y" for v in votes.values())
    n = sum(v == "N" for v in votes.values())
    a = sum(v == "A" for v in votes.values())
    rows = [
        f"{undl_id},{code},{code},{vote},{date},,{symbol},,,,Title {undl_id} {symbol},Agenda,,{y},{n},{a},0,{len(votes)},"
        for code, vote in votes.items()
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path
