"""The embedded store: schema, ingest, queries. The only package that writes SQL.

Dependency rule (enforced by the import-linter contract): imports ``polycentric.sources`` and the
ground floor (``schema``, ``symbols``, ``states``) plus ``errors``/``config``; never the registry of
groups, measures, models or shells.
"""
