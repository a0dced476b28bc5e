"""Command line interface: a thin client of the library.

Each command lives in its own module of this package and only parses arguments,
builds an options object, calls the library and writes output. Library errors
(:class:`seclens.errors.SeclensError`) become clean messages and exit codes here.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from seclens import __version__
from seclens.cli.output import echo
from seclens.errors import SeclensError

F = TypeVar("F", bound=Callable[..., Any])


#: Exit status when the reader of stdout went away (``seclens ... | head``): 128 + SIGPIPE,
#: as a shell reports a process ended by SIGPIPE.
EXIT_BROKEN_PIPE = 141


class _SeclensGroup(click.Group):
    """Click group that turns :class:`SeclensError` into a message and an exit code.

    A closed stdout (``BrokenPipeError``, e.g. ``seclens trend ... | head``) ends the
    command quietly with :data:`EXIT_BROKEN_PIPE`: no traceback. Commands write their
    files before printing long tables, so a closed pipe loses no output file.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SeclensError as exc:
            echo(f"seclens: error {exc.code}: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)


def _silence_stdout() -> None:
    """Point stdout at devnull so Python's final flush does not fail again on exit."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (e.g. a test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _quiet_below_warning(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


@click.group(cls=_SeclensGroup)
@click.version_option(__version__, prog_name="seclens")
def main() -> None:
    """seclens: measure securitization in policy discourse.

    Counts security vocabulary under an explicit convention, detects securitizing
    moves sentence by sentence, and writes reports in which every number links to
    the sentences behind it.
    """
    # Application-level logging policy (the library never touches logging): jieba
    # announces its dictionary loading at INFO on stderr; the CLI keeps stderr for
    # progress and problems. A filter, not a level: jieba resets its level on import.
    jieba_logger = logging.getLogger("jieba")
    if _quiet_below_warning not in jieba_logger.filters:
        jieba_logger.addFilter(_quiet_below_warning)


def _register() -> None:
    # Each command module defines one click command and is registered here.
    from seclens.cli import commands

    for command in commands.ALL:
        main.add_command(command)


_register()
