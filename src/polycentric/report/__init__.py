"""Self-contained HTML reports (state, group, roll call).

Dependency rule: may import any library package; no shell imports it except cli/api.
"""
