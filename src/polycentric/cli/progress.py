"""Rich progress displays for the command line: every job that can take over a second shows one.

:func:`working` is a spinner with the elapsed time for a job of unknown length (a model fit,
a backtest, a polarity reading); :func:`steps` is a bar for a job that reports its steps
(``build``, ``ingest``). Both draw on stderr and vanish when the job ends, so stdout stays
clean for ``--format csv|json``; on a non-terminal stderr (pipes, tests) Rich draws nothing.

Dependency rule: imports rich only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = ["progress_bar", "run_steps", "working"]

T = TypeVar("T")


def progress_bar(*, steps: bool = True, console: Any = None) -> Any:
    """A transient Rich ``Progress`` on ``console`` (default stderr): spinner, description, (bar,) elapsed time."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if steps:
        columns.append(BarColumn())
    columns.append(TimeElapsedColumn())
    console = console if console is not None else Console(stderr=True)
    # off on a non-terminal stderr (pipes, CI, tests): Rich would still print a stray blank line there
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


def _plain_stderr() -> bool:
    """stderr is no terminal and nothing forces one: Rich would draw nothing, so it is not even imported."""
    import os
    import sys

    forced = any(os.environ.get(v) for v in ("FORCE_COLOR", "FORCE_TERMINAL", "TTY_COMPATIBLE", "TTY_INTERACTIVE"))
    try:
        return not forced and not sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return False


@contextlib.contextmanager
def working(description: str) -> Iterator[Callable[[str], None]]:
    """Show ``description`` with a spinner and the elapsed time while the block runs.

    Yields a function that replaces the description (``say("fitting session 77")``).
    """
    if _plain_stderr():
        yield lambda _message: None
        return
    with progress_bar(steps=False) as bar:
        task = bar.add_task(description, total=None)

        def say(message: str) -> None:
            bar.update(task, description=message)

        yield say


def run_steps(steps: int, work: Callable[[Callable[[str], None]], T]) -> T:
    """Run ``work(say)`` under a bar of ``steps`` steps; each ``say(message)`` advances it by one."""
    with progress_bar() as bar:
        task = bar.add_task("starting", total=steps)

        def say(msg: str) -> None:
            bar.update(task, description=msg, advance=1)

        result = work(say)
        bar.update(task, completed=steps)
    return result
