"""Hand-made UN Digital Library "Voting Data" records in MARC-XML, built with pymarc."""

from __future__ import annotations

import pymarc

Vote = tuple[str, str, str]  # ISO3, name, vote code ("" = non-voting)


def voting_record(
    undl_id: int | None,
    date: str,
    title: str,
    votes: list[Vote],
    *,
    symbol: str | None = None,
    session: str | None = None,
    meeting: str | None = None,
    subjects: tuple[str, ...] = (),
    totals: tuple[str, str, str, str, str] | None = None,
) -> str:
    """One ``<record>`` element: 001, 245, 269, 791, 952, 991, 996 and one 967 per state.

    ``totals`` (yes, no, abstentions, non-voting, members) default to the counts of ``votes``.
    """
    rec = pymarc.Record()
    if undl_id is not None:
        rec.add_field(pymarc.Field(tag="001", data=str(undl_id)))
    # as the library catalogues it: "$a Title : $b resolution / $c adopted by the General Assembly"
    head, sep, rest = title.partition(" : ")
    kind, sep2, by = rest.partition(" / ")
    sub245 = [pymarc.Subfield("a", head + (" :" if sep else ""))]
    if sep:
        sub245.append(pymarc.Subfield("b", kind + (" /" if sep2 else "")))
    if sep2:
        sub245.append(pymarc.Subfield("c", by))
    rec.add_field(pymarc.Field(tag="245", indicators=pymarc.Indicators(" ", " "), subfields=sub245))
    rec.add_field(
        pymarc.Field(tag="269", indicators=pymarc.Indicators(" ", " "), subfields=[pymarc.Subfield("a", date)])
    )
    if symbol is not None or session is not None:
        sub = [pymarc.Subfield("a", symbol)] if symbol else []
        sub.append(pymarc.Subfield("b", "A/"))
        if session:
            sub.append(pymarc.Subfield("c", session))
        rec.add_field(pymarc.Field(tag="791", indicators=pymarc.Indicators(" ", " "), subfields=sub))
    if meeting:
        rec.add_field(
            pymarc.Field(tag="952", indicators=pymarc.Indicators(" ", " "), subfields=[pymarc.Subfield("a", meeting)])
        )
    for s in subjects:
        rec.add_field(
            pymarc.Field(tag="991", indicators=pymarc.Indicators(" ", " "), subfields=[pymarc.Subfield("d", s)])
        )
    if totals is None:
        codes = [v for _, _, v in votes]
        totals = (
            str(codes.count("Y")),
            str(codes.count("N")),
            str(codes.count("A")),
            str(codes.count("")),
            str(len(codes)),
        )
    rec.add_field(
        pymarc.Field(
            tag="996",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield(c, t) for c, t in zip("bcdef", totals, strict=True)],
        )
    )
    for code, name, vote in votes:
        rec.add_field(
            pymarc.Field(
                tag="967",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[pymarc.Subfield("c", code), pymarc.Subfield("d", vote), pymarc.Subfield("e", name)],
            )
        )
    return pymarc.record_to_xml(rec).decode("utf-8")


def collection(*records: str) -> bytes:
    """A search-API page: the records in a MARC-XML ``<collection>``, one element per line."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
        + "\n".join(records)
        + "\n</collection>\n"
    ).encode("utf-8")


FOUR = [
    ("AFG", "AFGHANISTAN", "Y"),
    ("BRA", "BRAZIL", "Y"),
    ("RUS", "RUSSIAN FEDERATION", "N"),
    ("USA", "UNITED STATES", "A"),
]
