"""Normalised resolution titles: the key that links a resolution to its earlier instances.

Most General Assembly resolutions return every year under the same title, but the record's title field
drifts across sources and sessions (Voeten 2013's files and the UN Digital Library):

* sessions up to about 59 carry a short title (``Zone of peace and cooperation of the south Atlantic``),
  some sessions a description cut at 255 characters (``Calls upon all States that have not done so ...``);
* sessions 60–73 and the UN Digital Library add a statement suffix
  (``... : resolution / adopted by the General Assembly``, ``... : decision / adopted by ...``);
* session 72 stores the agenda line in ``title`` (``A/72/251 42 - Necessity of ending ... - CUBA--UNITED
  STATES``) and the real title in ``agenda``;
* sessions 74–77 end titles with a space; the official UN DL file cuts titles at 120 characters;
* wording drifts slightly (``United States`` / ``United States of America``, ``&`` / ``and``, accents,
  capitals, a leading ``The``, ``UN`` for ``United Nations``, the session's number or year).

:func:`title_key` maps all of these to one key: the agenda line replaced by the agenda column's title,
the statement suffix dropped, accents folded, lower case, ``&`` to ``and``, ``united states of america`` to
``united states``, document symbols and punctuation removed, ``un`` to ``united nations``, every number (``66th``, ``2015``) to
``#``, spaces collapsed, a leading ``the`` dropped,
and the result cut at :data:`KEY_LENGTH` characters (so a title cut at 120 characters still matches).

Dependency rule: standard library and polars only.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

__all__ = ["KEY_LENGTH", "title_key", "title_keys"]

KEY_LENGTH = 90
"""Characters of the normalised title kept in the key (the official file cuts titles at 120)."""

_AGENDA_LINE = re.compile(r"^\s*A/\d+/\d+(?:/Rev\.\d+)?\s+\d+")
_SUFFIX = re.compile(
    r"\s*[:/]\s*(?:draft\s+)?(?:resolution|decision)s?\s*(?:[\[/(].*)?(?:adopted by the general assembly.*)?$",
    re.IGNORECASE,
)
_ADOPTED = re.compile(r"\s*/?\s*adopted by the general assembly.*$", re.IGNORECASE)
_SYMBOL = re.compile(r"\(?\b[as]/(?:res/|c\.\d/)?[\w.\-/]+\)?", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_UN = re.compile(r"(?<= )un(?= )")
_DIGITS = re.compile(r"\d+(?:st|nd|rd|th)?")


def title_key(title: str | None, agenda: str | None = None) -> str:
    """The normalised key of a roll call's title (``""`` when there is nothing to key on).

    >>> title_key("The occupied Syrian Golan : resolution / adopted by the General Assembly")
    'occupied syrian golan'
    >>> title_key("The occupied Syrian Golan ") == title_key("THE OCCUPIED SYRIAN GOLAN")
    True
    """
    text = title or ""
    if _AGENDA_LINE.match(text) and agenda:
        text = agenda  # session 72: the agenda line in the title, the title in the agenda column
    text = _SUFFIX.sub("", text)
    text = _ADOPTED.sub("", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _SYMBOL.sub(" ", text)
    text = text.replace("&", " and ").replace("united states of america", "united states")
    text = _NON_WORD.sub(" ", text)
    text = _DIGITS.sub("#", _UN.sub("united nations", f" {text} ")).strip()
    if text.startswith("the "):
        text = text[4:]
    return text[:KEY_LENGTH].strip()


def title_keys(roll_calls: pl.DataFrame) -> list[str]:
    """:func:`title_key` of every row of a roll-call frame (columns ``title`` and, if present, ``agenda``)."""
    titles = roll_calls["title"].to_list() if "title" in roll_calls.columns else [None] * roll_calls.height
    agendas = roll_calls["agenda"].to_list() if "agenda" in roll_calls.columns else [None] * roll_calls.height
    return [title_key(t, a) for t, a in zip(titles, agendas, strict=True)]
