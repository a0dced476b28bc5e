"""Report figures: per-10k rates, merged security occurrences."""

from __future__ import annotations

import math

import pytest

from seclens.report.aggregate import merged_occurrences, per_10k
from seclens.types import Match


def _m(start: int, end: int) -> Match:
    return Match("d", 0, start, end, "t", "t", "e", "security", "general", "security", "",
                 "substring")


@pytest.mark.parametrize(
    "spans,expected",
    [
        ([], 0),
        ([(0, 2)], 1),
        ([(0, 4), (2, 4)], 1),  # 国家安全 and the 安全 inside it
        ([(0, 2), (2, 4)], 2),  # adjacent, not overlapping
        ([(5, 7), (0, 2), (1, 3)], 2),
    ],
)
def test_merged_occurrences(spans: list[tuple[int, int]], expected: int) -> None:
    assert merged_occurrences([_m(s, e) for s, e in spans]) == expected


def test_per_10k() -> None:
    assert per_10k(48, 20417) == pytest.approx(48 / 20417 * 10_000)
    assert math.isnan(per_10k(3, 0))
