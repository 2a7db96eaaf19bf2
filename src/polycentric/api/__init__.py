"""The HTTP API (FastAPI): read-only routes over the library functions, no logic of its own.

Dependency rule: may import any library package; imports no other shell.
"""
