"""Compare stage: groups of documents from metadata columns and derived fields.

A *group expression* selects documents from a metadata table (one row per document;
the columns of ``manifest.csv`` or of :class:`seclens.types.DocumentMeta`, plus derived
fields). Grammar (whitespace around tokens is ignored)::

    expression := condition ("&" condition)*
    condition  := COLUMN "=" VALUES          level=central
                | COLUMN "!=" VALUES         level!=central
                | COLUMN (">="|"<="|">"|"<") VALUE     year>=2020, date<2019-01-01
                | "period:" DATE "=" ("before"|"after")  period:2019-01-01=after
    VALUES     := VALUE ("," VALUE)*         level=provincial,municipal

``=`` and ``!=`` compare strings exactly (case-sensitive, surrounding whitespace
stripped). Ordering operators compare numbers when both sides parse as numbers
(``year>=2020``) and ISO dates/strings otherwise (``date<2019-01-01``); a row whose
value is empty never satisfies an ordering condition.

A *split specification* (``--by``) is a column name (``level``) or ``period:DATE``,
which splits into ``before`` (date < DATE) and ``after`` (date >= DATE).

Derived fields (computed when absent from the table):

- ``year``: the first four characters of ``date`` when they are digits, else "";
- ``period:DATE``: as above; documents without a date form no group and are
  reported by :func:`split_by` as ungrouped.

Errors: :class:`seclens.errors.CompareError` ``E501`` (unknown column; the message
names the expression and the allowed columns) and ``E502`` (malformed expression).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from seclens.errors import CompareError
from seclens.types import META_FIELDS, DocumentMeta

DERIVED_FIELDS: tuple[str, ...] = ("year",)
META_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "title",
    "title_en",
    "issuer",
    "level",
    "region",
    "date",
    "doc_number",
    "language",
)
"""Metadata columns of :class:`seclens.types.DocumentMeta` in a metadata table."""


def metadata_row(meta: DocumentMeta) -> dict[str, object]:
    """One metadata-table row: :data:`META_COLUMNS` then every other manifest column."""
    row: dict[str, object] = {c: getattr(meta, c) for c in META_COLUMNS}
    row.update({k: v for k, v in meta.extra.items() if k not in row})
    return row


def metadata_frame(metas: Sequence[DocumentMeta]) -> pd.DataFrame:
    """Metadata table of documents, one row per document in the given order.

    Parameters
    ----------
    metas : sequence of DocumentMeta

    Returns
    -------
    pandas.DataFrame
        Shape ``(len(metas), n_columns)``: :data:`META_COLUMNS`, every ``extra``
        manifest column (empty string where a document lacks it) and the derived fields.
    """
    frame = pd.DataFrame([metadata_row(m) for m in metas], columns=None)
    if frame.empty:
        frame = pd.DataFrame(columns=list(META_COLUMNS))
    return add_derived_fields(frame.fillna(""))
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COND_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|>=|<=|=|>|<)\s*(.*?)\s*$")
_PERIOD_RE = re.compile(r"^\s*period\s*:\s*([^=\s]+)\s*(?:=\s*(\S+)\s*)?$")


@dataclass(frozen=True)
class Condition:
    """One parsed condition of a group expression.

    Attributes
    ----------
    column : str
        Metadata column (or derived field) tested; ``date`` for ``period:`` conditions.
    op : str
        ``=``, ``!=``, ``>=``, ``<=``, ``>`` or ``<``.
    values : tuple[str, ...]
        One value for ordering operators; one or more for ``=`` / ``!=``.
    """

    column: str
    op: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class GroupExpression:
    """A parsed group expression: the conjunction of its conditions.

    Attributes
    ----------
    text : str
        The expression as written by the user (used in messages and labels).
    conditions : tuple[Condition, ...]
    """

    text: str
    conditions: tuple[Condition, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns the expression refers to, in order of appearance."""
        return tuple(c.column for c in self.conditions)


def add_derived_fields(meta: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``meta`` with derived fields added (``year`` from ``date``).

    Parameters
    ----------
    meta : pandas.DataFrame
        One row per document; a ``date`` column (ISO ``YYYY-MM-DD`` or ``YYYY``) is
        used when present. Existing columns are never overwritten.

    Returns
    -------
    pandas.DataFrame
        Same rows; ``year`` is a string column ("" when the date is missing).
    """
    out = meta.copy()
    if "year" not in out.columns and "date" in out.columns:
        out["year"] = [_year_of(v) for v in out["date"]]
    return out


def _year_of(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else ""


#: Metadata column names: a value 'name=...' of one of them is a misjoined condition.
_META_NAMES = frozenset(("id", "doc_id", *DERIVED_FIELDS, *META_FIELDS))


def parse_group_expression(text: str) -> GroupExpression:
    """Parse a group expression such as ``level=provincial,municipal&year>=2020``.

    Parameters
    ----------
    text : str
        The expression (see the module docstring for the grammar).

    Returns
    -------
    GroupExpression

    Raises
    ------
    CompareError
        ``E502`` when the expression is empty or malformed (message quotes it and
        shows the accepted forms).
    """
    if not text or not text.strip():
        raise CompareError("E502", _malformed(text, "the expression is empty"))
    conditions: list[Condition] = []
    for part in text.split("&"):
        if not part.strip():
            raise CompareError("E502", _malformed(text, "empty condition around '&'"))
        conditions.append(_parse_condition(part, text))
    return GroupExpression(text=text.strip(), conditions=tuple(conditions))


def _parse_condition(part: str, whole: str) -> Condition:
    period = _PERIOD_RE.match(part)
    if part.strip().startswith("period"):
        if period is None or period.group(2) is None:
            raise CompareError(
                "E502",
                _malformed(whole, "a period condition is written period:YYYY-MM-DD=before|after"),
            )
        date, side = period.group(1), period.group(2).lower()
        _check_date(date, whole)
        if side not in ("before", "after"):
            raise CompareError(
                "E502", _malformed(whole, f"period side must be 'before' or 'after', got {side!r}")
            )
        return Condition("date", "<" if side == "before" else ">=", (date,))
    m = _COND_RE.match(part)
    if m is None:
        raise CompareError("E502", _malformed(whole, f"cannot read condition {part.strip()!r}"))
    column, op, raw = m.group(1), m.group(2), m.group(3)
    if op in ("=", "!="):
        values = tuple(v.strip() for v in raw.split(","))
        if not raw or any(v == "" for v in values):
            raise CompareError("E502", _malformed(whole, f"empty value in {part.strip()!r}"))
        joined = [v for v in values
                  if (m2 := re.match(r"^(\w+)\s*(?:!=|[=<>])", v)) and m2.group(1) in _META_NAMES]
        if joined:
            # 'level=central,language=en' would otherwise silently select level
            # 'central' or 'language=en': a comma separates values, '&' conditions
            raise CompareError("E502", _malformed(
                whole, f"value {joined[0]!r} looks like a second condition: join "
                       "conditions with '&' (level=central&language=en); a comma "
                       "separates values of one column (level=central,provincial)"))
        return Condition(column, op, values)
    if not raw or "," in raw:
        raise CompareError(
            "E502", _malformed(whole, f"operator {op} takes exactly one value in {part.strip()!r}")
        )
    return Condition(column, op, (raw,))


def _check_date(date: str, whole: str) -> None:
    if not _DATE_RE.match(date):
        raise CompareError(
            "E502", _malformed(whole, f"date must be written YYYY-MM-DD, got {date!r}")
        )


def _malformed(text: str | None, why: str) -> str:
    return (
        f"malformed group expression {text!r}: {why}. Accepted forms: column=a,b; "
        "column!=a; column>=value (also <=, >, <); period:YYYY-MM-DD=before|after; "
        "join conditions with '&'."
    )


def _check_columns(expr_text: str, columns: Sequence[str], meta: pd.DataFrame) -> None:
    allowed = sorted(set(meta.columns) | set(DERIVED_FIELDS))
    for col in columns:
        if col not in allowed:
            raise CompareError(
                "E501",
                f"unknown column {col!r} in group expression {expr_text!r}; "
                f"allowed columns: {', '.join(allowed)}",
            )


def _as_number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _condition_mask(meta: pd.DataFrame, cond: Condition) -> pd.Series:
    col = meta[cond.column].map(lambda v: "" if pd.isna(v) else str(v).strip())
    if cond.op == "=":
        return col.isin(cond.values)
    if cond.op == "!=":
        return ~col.isin(cond.values)
    (ref,) = cond.values
    ref_num = _as_number(ref)

    def test(value: str) -> bool:
        if value == "":
            return False
        left: float | str = value
        right: float | str = ref
        num = _as_number(value)
        if ref_num is not None and num is not None:
            left, right = num, ref_num
        if cond.op == ">=":
            return left >= right  # type: ignore[operator]
        if cond.op == "<=":
            return left <= right  # type: ignore[operator]
        if cond.op == ">":
            return left > right  # type: ignore[operator]
        return left < right  # type: ignore[operator]

    return col.map(test).astype(bool)


def select_group(meta: pd.DataFrame, expression: str | GroupExpression) -> pd.Series:
    """Boolean mask of the documents selected by a group expression.

    Parameters
    ----------
    meta : pandas.DataFrame
        One row per document, shape ``(n_documents, n_columns)``; manifest columns.
        Derived fields (``year``) are computed when absent.
    expression : str or GroupExpression

    Returns
    -------
    pandas.Series of bool
        Indexed like ``meta``.

    Raises
    ------
    CompareError
        ``E501`` unknown column (names the expression and the allowed columns);
        ``E502`` malformed expression.
    """
    expr = parse_group_expression(expression) if isinstance(expression, str) else expression
    _check_columns(expr.text, expr.columns, meta)
    table = add_derived_fields(meta)
    mask = pd.Series(True, index=table.index)
    for cond in expr.conditions:
        mask &= _condition_mask(table, cond)
    return mask


@dataclass(frozen=True)
class Split:
    """Result of :func:`split_by`.

    Attributes
    ----------
    spec : str
        The split specification (``level``, ``period:2019-01-01``).
    labels : pandas.Series of str
        Group label per document (indexed like the input); "" for ungrouped rows.
    ungrouped : tuple[int, ...]
        Positional indices of rows without a value (e.g. no date); never silently dropped.
    """

    spec: str
    labels: pd.Series
    ungrouped: tuple[int, ...]

    @property
    def groups(self) -> tuple[str, ...]:
        """Sorted distinct group labels (excluding "")."""
        return tuple(sorted(v for v in set(self.labels) if v != ""))


def split_by(meta: pd.DataFrame, spec: str) -> Split:
    """Split documents into groups by a column or a period.

    Parameters
    ----------
    meta : pandas.DataFrame
        One row per document.
    spec : str
        A column name (``level``, ``year``, ``language``) or ``period:YYYY-MM-DD``.

    Returns
    -------
    Split
        Labels per row; rows with an empty value are listed in ``ungrouped``.

    Raises
    ------
    CompareError
        ``E501`` unknown column; ``E502`` malformed period specification.
    """
    table = add_derived_fields(meta)
    spec_s = spec.strip()
    if spec_s.startswith("period"):
        m = _PERIOD_RE.match(spec_s)
        if m is None or m.group(2) is not None:
            raise CompareError(
                "E502",
                f"malformed split specification {spec!r}: write a column name or period:YYYY-MM-DD",
            )
        date = m.group(1)
        _check_date(date, spec)
        _check_columns(spec, ["date"], table)
        dates = table["date"].map(lambda v: "" if pd.isna(v) else str(v).strip()[:10])
        labels = dates.map(lambda d: "" if d == "" else ("before" if d < date else "after"))
    else:
        _check_columns(spec, [spec_s], table)
        labels = table[spec_s].map(lambda v: "" if pd.isna(v) else str(v).strip())
    ungrouped = tuple(int(i) for i, v in enumerate(labels) if v == "")
    return Split(spec=spec_s, labels=labels.astype(str), ungrouped=ungrouped)
