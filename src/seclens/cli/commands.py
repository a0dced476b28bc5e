"""The list of registered CLI commands (one module per command)."""

from __future__ import annotations

import click

from seclens.cli.agreement import agreement
from seclens.cli.analyze import analyze_command
from seclens.cli.annotate import annotate
from seclens.cli.biblio import biblio_command
from seclens.cli.compare import compare_command
from seclens.cli.demo import demo_command
from seclens.cli.ingest import ingest
from seclens.cli.sample import import_coded, sample
from seclens.cli.table import table
from seclens.cli.trend import trend_command
from seclens.cli.validate import validate

ALL: list[click.Command] = [analyze_command, demo_command, ingest]
ALL += [validate, agreement, table, annotate, sample, import_coded]
ALL += [compare_command, trend_command, biblio_command]
