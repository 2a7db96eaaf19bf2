"""The embedded store: schema, ingest, queries. The only package that writes SQL.

Dependency rule: imports ``polycentric.sources``, ``polycentric.registry``,
``polycentric.errors``, ``polycentric.config``; never measures, models or shells.
"""
