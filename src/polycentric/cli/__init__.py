"""Command-line shell (Typer). See :mod:`polycentric.cli.main`.

Dependency rule: may import any polycentric package; nothing imports cli.
"""
