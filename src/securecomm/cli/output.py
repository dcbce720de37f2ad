"""Shared CLI plumbing: one Rich console, and turning user errors into clear messages.

A user error (``SecurecommError``) is printed as one line on stderr with exit code 2; it never
shows a traceback. Anything else is a bug and propagates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from securecomm.errors import SecurecommError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

USER_ERROR_EXIT = 2


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that a ``SecurecommError`` becomes ``error: …`` and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SecurecommError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(USER_ERROR_EXIT) from exc

    return wrapper
