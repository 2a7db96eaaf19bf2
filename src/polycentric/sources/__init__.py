"""Readers and the downloader: files -> Arrow/Polars tables in the canonical schema.

Dependency rule: imports ``polycentric.errors``, ``polycentric.config``,
``polycentric.schema`` and ``polycentric.registry`` (to map state codes);
computes no statistics and never touches the store.
"""
