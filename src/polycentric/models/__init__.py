"""Estimators: ideal points, polarity, forecasting (``fit() -> self``, fitted attributes end in ``_``).

Dependency rule (enforced by the import-linter contract): imports ``polycentric.measures`` and the
layers below it; never the shells.
"""
