"""Command line interface: what the commands print.

Paths, doc_ids, manifest cells, exclusion reasons and evidence sentences printed by
the commands come from the user's files and documents; a control character in them
(an ANSI escape, a carriage return, a bidi control) must not drive the terminal.
Every command prints through :func:`echo`, which shows such characters as escapes.
"""

from __future__ import annotations

import click


def terminal_safe(text: str) -> str:
    """``text`` with control characters (ANSI escapes, carriage returns ...) shown as
    ``\\x1b``-style escapes: messages name paths, doc_ids and table names that come
    from the user's files, which must not drive the terminal. Line breaks and tabs
    stay."""
    if text.isprintable():
        return text
    import unicodedata

    def shown(c: str) -> str:
        if c in "\n\t" or not (unicodedata.category(c).startswith("C")
                                or c in "\u2028\u2029"):
            return c
        return c.encode("unicode_escape").decode("ascii")

    return "".join(map(shown, text))


def echo(message: object = "", err: bool = False) -> None:
    """:func:`click.echo` of ``message`` made :func:`terminal_safe` (stdout, or
    stderr with ``err``)."""
    click.echo(terminal_safe(str(message)), err=err)


__all__ = ["echo", "terminal_safe"]
