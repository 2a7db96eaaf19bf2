"""Fixtures of the report tests."""

from _webfixtures import models_home, served_record

__all__ = ["models_home", "served_record"]
