"""Group expressions and splits over metadata tables."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seclens.compare.groups import parse_group_expression, select_group, split_by
from seclens.errors import CompareError

META = pd.DataFrame(
    {
        "id": ["c1", "c2", "p1", "m1", "f1", "x1"],
        "level": ["central", "central", "provincial", "municipal", "foreign", "central"],
        "date": ["2017-07-08", "2020-01-21", "2019-05-17", "2024-06-27", "2023-10-30", ""],
        "language": ["zh", "zh", "zh", "zh", "en", "zh"],
    }
)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("level=central", ["c1", "c2", "x1"]),
        ("level!=central", ["p1", "m1", "f1"]),
        ("level=provincial,municipal", ["p1", "m1"]),
        ("level = provincial , municipal", ["p1", "m1"]),
        ("year>=2020", ["c2", "m1", "f1"]),
        ("year<2020", ["c1", "p1"]),
        ("date<2019-01-01", ["c1"]),
        ("period:2019-01-01=after", ["c2", "p1", "m1", "f1"]),
        ("period:2019-01-01=before", ["c1"]),
        ("level!=foreign&language=zh&year>2018", ["c2", "p1", "m1"]),
    ],
)
def test_select_group(expr: str, expected: list[str]) -> None:
    mask = select_group(META, expr)
    assert list(META.loc[mask, "id"]) == expected


def test_input_not_mutated() -> None:
    before = META.copy()
    select_group(META, "year>=2020")
    pd.testing.assert_frame_equal(META, before)


def test_unknown_column_names_expression_and_allowed_columns() -> None:
    with pytest.raises(CompareError) as err:
        select_group(META, "issuer=国务院")
    assert err.value.code == "E501"
    assert "issuer=国务院" in err.value.message
    assert "level" in err.value.message and "year" in err.value.message


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "level",
        "level=",
        "level=a,,b",
        "year>=2019,2020",
        "period:2019=after",
        "period:2019-01-01",
        "period:2019-01-01=during",
        "level=a&",
        "=central",
        # regression: a second condition joined by a comma was read as a value
        "level=central,language=en",
        "level=central, year>=2019",
    ],
)
def test_malformed_expressions(expr: str) -> None:
    with pytest.raises(CompareError) as err:
        parse_group_expression(expr)
    assert err.value.code == "E502"


def test_split_by_column_and_period() -> None:
    s = split_by(META, "level")
    assert s.groups == ("central", "foreign", "municipal", "provincial")
    assert s.ungrouped == ()
    p = split_by(META, "period:2019-01-01")
    assert list(p.labels) == ["before", "after", "after", "after", "after", ""]
    assert p.ungrouped == (5,)
    y = split_by(META, "year")
    assert y.ungrouped == (5,)
    with pytest.raises(CompareError) as err:
        split_by(META, "region")
    assert err.value.code == "E501"


_values = st.text(alphabet="abcxyz中央省市", min_size=1, max_size=6)


@given(st.lists(_values, min_size=1, max_size=12), _values)
def test_equality_and_negation_partition_rows(column: list[str], value: str) -> None:
    meta = pd.DataFrame({"id": range(len(column)), "level": column})
    eq = select_group(meta, f"level={value}")
    ne = select_group(meta, f"level!={value}")
    assert list(eq) == [v == value for v in column]
    assert bool((eq ^ ne).all())


def test_a_value_with_an_equals_sign_that_is_no_column_stays_a_value() -> None:
    expr = parse_group_expression("title=E=mc2,x")
    assert expr.conditions[0].values == ("E=mc2", "x")
