"""The web dashboard: prebuilt front-end assets served by the API app.

Dependency rule: static assets plus a small module locating them.
"""
