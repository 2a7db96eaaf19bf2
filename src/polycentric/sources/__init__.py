"""Readers and the downloader: files -> Arrow/Polars tables in the canonical schema.

Dependency rule (enforced by the import-linter contract in pyproject.toml): imports only the
ground floor (``polycentric.schema``, ``polycentric.symbols``, ``polycentric.states`` to map state
codes) and ``polycentric.errors``/``config``; computes no statistics and never touches the store.
"""
