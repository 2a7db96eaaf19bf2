"""CLI commands of the web area: ``polycentric serve`` and ``polycentric report ...``.

Dependency rule: a thin shell; logic lives in the library (``polycentric.api``,
``polycentric.report``).
"""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the dashboard from the embedded record (open http://HOST:PORT/)."""
    import uvicorn

    from polycentric.api import create_app

    typer.echo(f"polycentric: dashboard at http://{host}:{port}/  API docs at http://{host}:{port}/api/docs", err=True)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("serve")(serve)
