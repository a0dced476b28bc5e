"""The list of registered CLI commands (one module per command)."""

from __future__ import annotations

import click

ALL: list[click.Command] = []
