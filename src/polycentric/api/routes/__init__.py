"""API routers, one module per library area; each route calls library functions only.

Dependency rule: may import any library package and ``polycentric.api`` helpers.
"""
