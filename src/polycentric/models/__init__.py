"""Estimators: ideal points, polarity, forecasting (``fit() -> self``, fitted attributes end in ``_``).

Dependency rule: imports ``polycentric.errors``, ``polycentric.schema``,
``polycentric.registry`` and ``polycentric.measures``; never the store or the shells.
"""
