"""Fixtures of the CLI tests: the web area's saved-fit home (for commands that read a fitted model)."""

from _webfixtures import models_home, served_record

__all__ = ["models_home", "served_record"]
