"""Fixtures of the report tests."""

from _webfixtures import served_record

__all__ = ["served_record"]
