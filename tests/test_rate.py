"""The completion rate follows DOMAIN.md exactly: integer counts, half-up, never 100% while open."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rectify.domain.figures import completion_rate, rate_text


@pytest.mark.parametrize(
    ("closed", "total", "precision", "expected"),
    [
        (36, 37, 0, "97"),  # published: 金华市人民检察院 "整改率达到97%"
        (36, 37, 1, "97.3"),
        (296, 315, 1, "94.0"),  # published counts: 296 of 315
        (296, 308, 1, "96.1"),  # the article's 96.1% follows from 296/308, not 296/315
        (19, 25, 0, "76"),  # 婺城区文化和旅游体育局 2023: 19 of 25, "76%"
        (1, 8, 0, "13"),  # 12.5 -> 13: half-up, not banker's 12
        (3, 8, 0, "38"),  # 37.5 -> 38
        (5, 8, 0, "63"),
        (1, 8, 2, "12.50"),
        (199, 200, 0, "99"),  # 99.5 would round to 100 while one is open
        (1999, 2000, 1, "99.9"),
        (0, 5, 1, "0.0"),
        (5, 5, 0, "100"),
        (2, 3, 2, "66.67"),
        (1, 3, 1, "33.3"),
    ],
)
def test_rate(closed: int, total: int, precision: int, expected: str) -> None:
    assert completion_rate(closed, total, precision) == Decimal(expected)
    assert str(completion_rate(closed, total, precision)) == expected


def test_rate_text_shows_percent_and_dash_for_empty() -> None:
    assert rate_text(36, 37, 0) == "97%"
    assert rate_text(296, 315, 1) == "94.0%"
    assert rate_text(0, 0, 1) == "—"


@pytest.mark.parametrize(("closed", "total"), [(-1, 3), (4, 3), (1, -1)])
def test_impossible_counts_are_refused(closed: int, total: int) -> None:
    with pytest.raises(ValueError):
        completion_rate(closed, total)


def test_never_100_while_open_for_any_count() -> None:
    for total in range(1, 400):
        for precision in (0, 1, 2):
            assert completion_rate(total - 1, total, precision) < 100
