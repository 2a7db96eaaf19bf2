"""Fixtures of the API tests: an app over the record, and an in-process client."""

from _webfixtures import app, client, models_home, served_record

__all__ = ["app", "client", "models_home", "served_record"]
