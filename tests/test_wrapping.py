"""The one rule that fits a table to a window and the one that wraps text (issue #16)."""

from __future__ import annotations

import pytest

from rectify.present.tables import Fitted, fit_columns
from rectify.present.wrapping import balanced, hanging, units, wrap

HEADERS = ["编号", "单位", "上级单位", "反馈日期", "问题数"]
ROWS = [["dongyang", "东阳市人民检察院", "", "2021-08-02", "33"], ["jinhua", "金华市人民检察院", "", "2021-07-28", "37"]]


def test_a_wide_window_shows_every_column_at_its_natural_width() -> None:
    assert fit_columns(HEADERS, ROWS, 160, numeric=(4,)) == Fitted([0, 1, 2, 3, 4], [8, 16, 8, 10, 6], [], [])


def test_a_narrow_window_drops_the_empty_column_first_and_keeps_dates_whole() -> None:
    fitted = fit_columns(HEADERS, ROWS, 50, numeric=(4,))
    assert fitted == Fitted([0, 1, 3, 4], [8, 13, 10, 6], [2], [2])
    assert sum(width + 3 for width in fitted.widths) + 1 <= 50


def test_then_the_stated_order_then_from_the_right_never_the_first_nor_kept() -> None:
    assert fit_columns(HEADERS, ROWS, 40, numeric=(4,), drop=(4,)).dropped == [2, 4]
    assert fit_columns(HEADERS, ROWS, 30, numeric=(4,), drop=(4,)).dropped == [2, 4, 3]
    assert fit_columns(HEADERS, ROWS, 10, numeric=(4,), keep=(0, 3)).columns == [0, 3]


def test_units_keep_brackets_with_their_words() -> None:
    assert units("填写 [必填] 格式（供人阅读）；csv") == ["填", "写", " ", "[必", "填]", " ", "格", "式", "（供", "人", "阅", "读）；", "csv"]
    assert units("[[文件夹]]") == ["[[文", "件", "夹]]"]


@pytest.mark.parametrize(
    ("text", "room", "lines"),
    [
        ("金华市人民检察院", 14, ["金华市人", "民检察院"]),
        ("金华市人民检察院", 16, ["金华市人民检察院"]),
        ("  金华市人民检察院（本级）", 14, ["  金华市人民检", "  察院（本级）"]),
        ("in_progress", 6, ["in_progress"]),  # a word stands alone rather than breaking
    ],
)
def test_balanced_lines_are_even(text: str, room: int, lines: list[str]) -> None:
    assert balanced(text, room) == lines


def test_wrap_never_ends_a_line_with_an_opening_bracket() -> None:
    assert wrap("--unit ID 单位编号 [必填]", 18) == ["--unit ID 单位编号", "[必填]"]


def test_hanging_indent_continues_under_the_text() -> None:
    line = "    2021-09-24  整改进展  李某  — 完成现行干部人事管理制度梳理，确定需修订、新建的制度"
    assert hanging(line, 80, 16) == [
        "    2021-09-24  整改进展  李某  — 完成现行干部人事管理制度梳理，确定需修订、新建",
        "                的制度",
    ]
    assert hanging(line, 120, 16) == [line]
