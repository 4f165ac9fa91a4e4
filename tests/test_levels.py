"""Three levels as published bulletins write them, 方面 （一） → 问题 1. → 具体问题 （1）, in
the 通报 (HTML printed by Chromium, Word converted by LibreOffice), the 整改销号表 workbook
(converted by LibreOffice) and the CSV export of the 婺城区文化和旅游体育局 ledger; checked
from the rendered PDFs' text. Ledgers without ``problem:`` keep their two levels."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO, SHIPPED, Run
from tests.test_paper import CHROMIUM, SOFFICE, print_html, to_pdf

WUCHENG = REPO / "examples" / "wucheng-culture-2023" / "ledgers"
AS_OF = date(2023, 5, 4)
needs_renderers = pytest.mark.skipif(
    (SOFFICE is None or CHROMIUM is None) and not os.environ.get("CI"),
    reason="LibreOffice or Chromium is not installed (CI installs them)",
)

MARK = re.compile(r"\(([一二三四五六七八九十]+)\)|(?<![\d.-])(\d{1,2})\. ?(?=\D)|\((\d{1,2})\)")
"""The marks of the three levels in text made plain by NFKC (fullwidth brackets become ASCII)."""


def _plain(text: str) -> str:
    """Text as typed: NFKC (Chromium's PDFs map some ideographs to radicals; fullwidth
    brackets become ASCII ones)."""
    return unicodedata.normalize("NFKC", text).replace("\u2ea0", "民")


def _marks(text: str) -> list[str]:
    """The level marks in ``text`` in reading order: ``(一)``, ``1.``, ``(1)``."""
    out = []
    for match in MARK.finditer(_plain(text)):
        aspect, problem, item = match.groups()
        out.append(f"({aspect})" if aspect else f"{problem}." if problem else f"({item})")
    return out


def _expected() -> tuple[list[str], list[str]]:
    """From the ledger file itself (not from rectify's outline): the marks in order and the
    aspect and problem names in order."""
    import yaml

    data = yaml.safe_load((WUCHENG / "wucheng-wlt.yaml").read_text(encoding="utf-8"))
    marks: list[str] = []
    names: list[str] = []
    aspect = problem = None
    aspects = items = 0
    for finding in data["findings"]:
        if finding["aspect"] != aspect:
            aspect, aspects = finding["aspect"], aspects + 1
            marks.append(f"({'一二三四五六七八九十'[aspects - 1]})")
            names.append(aspect)
        if finding["problem"] != problem:
            problem, items = finding["problem"], 0
            marks.append(problem.split(".")[0] + ".")
            names.append(problem.split(". ", 1)[1])
        items += 1
        marks.append(f"({items})")
    return marks, names


def test_the_expected_outline_is_the_published_one() -> None:
    marks, names = _expected()
    assert marks.count("(一)") == 1 and [m for m in marks if m.endswith(".")] == [f"{n}." for n in range(1, 11)]
    assert len([m for m in marks if m.startswith("(") and m[1:-1].isdigit()]) == 25  # the specific problems
    assert names[:2] == ["贯彻落实党的路线方针政策和上级决策部署方面", "文旅融合发展推进不力"]


def _in_order(text: str, names: list[str]) -> None:
    flat = re.sub(r"\s+", "", _plain(text))
    at = 0
    for name in names:
        found = flat.find(re.sub(r"\s+", "", _plain(name)), at)
        assert found >= 0, f"{name} missing or out of order"
        at = found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The wucheng ledger's bulletin (HTML and Word, with the finding list) and workbook,
    rendered to PDF; each PDF's text from the finding list on."""
    import pdfplumber

    from rectify.api import Ledgers
    from rectify.present import bulletin, document, workbook

    work = tmp_path_factory.mktemp("levels")
    lib = Ledgers(WUCHENG)
    data = lib.bulletin(AS_OF)
    page = work / "通报.html"
    page.write_text(bulletin.html(data, "zh", details=True), encoding="utf-8")
    word = work / "通报.docx"
    word.write_bytes(document.docx_bytes(data, "zh", details=True))
    book = work / "台账.xlsx"
    book.write_bytes(workbook.xlsx_bytes(lib.ledgers(), AS_OF))
    texts = {}
    for name, pdf in (("html", print_html(page, work)), ("docx", to_pdf(word, work)), ("xlsx", to_pdf(book, work))):
        with pdfplumber.open(pdf) as doc:
            whole = "\n".join(p.extract_text() or "" for p in doc.pages)
        start = whole.find("问题清单") if name != "xlsx" else whole.find("整改销号表")
        assert start >= 0, name
        texts[name] = whole[start:]
    return texts


@needs_renderers
@pytest.mark.parametrize("kind", ["html", "docx", "xlsx"])
def test_the_three_levels_print_in_order(rendered: dict[str, str], kind: str) -> None:
    marks, names = _expected()
    assert _marks(rendered[kind]) == marks
    _in_order(rendered[kind], names)


@needs_renderers
@pytest.mark.parametrize("kind", ["html", "docx"])
def test_the_bulletin_counts_the_specific_problems(rendered: dict[str, str], kind: str) -> None:
    assert "3个方面10个问题25个具体问题" in re.sub(r"\s+", "", rendered[kind])


def test_markdown_bulletin_and_csv_follow_the_outline(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(WUCHENG, tmp_path / "ledgers", dirs_exist_ok=True)
    monkeypatch.setenv("RECTIFY_TODAY", AS_OF.isoformat())
    assert run("report", "-o", "通报.md", "--lang", "zh").exit_code == 0
    text = (tmp_path / "通报.md").read_text(encoding="utf-8")
    details = text[text.index("## 问题清单") :]
    marks, names = _expected()
    assert _marks(details) == marks
    _in_order(details, names)
    assert "#### （一）贯彻落实党的路线方针政策和上级决策部署方面\n\n##### 1. 文旅融合发展推进不力\n\n" in details
    assert "- **（1）wucheng-wlt-001 文旅项目谋划储备不足**（已销号，整改时限2023年4月30日）\n" in details
    assert run("export", "-o", "台账.csv").exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "台账.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 25
    assert list(rows[0])[3:7] == ["aspect", "aspect_mark", "problem", "item_mark"]
    assert [(r["aspect_mark"], r["problem"], r["item_mark"]) for r in rows[:4]] == [
        ("（一）", "1. 文旅融合发展推进不力", "（1）"),
        ("（一）", "1. 文旅融合发展推进不力", "（2）"),
        ("（一）", "1. 文旅融合发展推进不力", "（3）"),
        ("（一）", "2. 公共文化服务短板明显", "（1）"),
    ]
    assert [r["item_mark"] for r in rows].count("（1）") == 10  # one first finding per problem
    assert rows[-1]["aspect_mark"] == "（三）" and rows[-1]["problem"] == "10. 人才队伍建设滞后"


def test_problems_are_grouped_and_numbered_when_the_list_is_not_in_order(run: Run, demo: Path) -> None:
    from rectify.domain.model import Ledger
    from rectify.present.outline import outline

    ledger = Ledger.model_validate(
        {
            "unit": {"id": "demo", "name": "示例单位"},
            "findings": [
                {"id": "demo-001", "aspect": "甲方面", "problem": "学习不深入", "title": "a"},
                {"id": "demo-002", "aspect": "乙方面", "problem": "制度不健全", "title": "b"},
                {"id": "demo-003", "aspect": "甲方面", "problem": "学习不深入", "title": "c"},
                {"id": "demo-004", "aspect": "甲方面", "title": "d"},
                {"id": "demo-005", "aspect": "甲方面", "problem": "（3）已编号", "title": "e"},
            ],
        }
    )
    shown = [
        (top.mark, top.name, [(m.label, [(mark, f.id) for mark, f in m.items]) for m in top.middles])
        for top in outline(ledger.findings)
    ]
    assert shown == [
        ("（一）", "甲方面", [
            ("1. 学习不深入", [("（1）", "demo-001"), ("（2）", "demo-003")]),
            (None, [("（1）", "demo-004")]),
            ("（3）已编号", [("（1）", "demo-005")]),
        ]),
        ("（二）", "乙方面", [("3. 制度不健全", [("（1）", "demo-002")])]),
    ]  # fmt: skip


def test_ledgers_without_problems_keep_two_levels(run: Run, shipped: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert run("report", "-o", "通报.md", "--lang", "zh", "--as-of", "2021-12-31").exit_code == 0
    text = (tmp_path / "通报.md").read_text(encoding="utf-8")
    assert "#####" not in text and "个具体问题" not in text and "（一）" not in text
    assert "#### 贯彻落实党的路线方针政策和党中央决策部署方面\n\n- **dongyang-001 案件流程监控和质量评查不严格**" in text
    assert run("export", "-o", "台账.csv", "--as-of", "2021-12-31").exit_code == 0
    header = (tmp_path / "台账.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("id,unit,unit_name,aspect,title,")
    assert run("export", "-o", "台账.xlsx", "--as-of", "2021-12-31").exit_code == 0
    sheet = load_workbook(tmp_path / "台账.xlsx")["东阳市人民检察院"]
    assert [[sheet.cell(row=r, column=c).value for c in (1, 2)] for r in (4, 5, 6)] == [
        ["一、贯彻落实党的路线方针政策和党中央决策部署方面", None],
        [1, "案件流程监控和质量评查不严格"],
        [2, "民事检察监督线索发现能力不足"],
    ]
    assert not any(finding.get("problem") for finding in _shipped_findings())


def _shipped_findings() -> list[dict[str, object]]:
    import yaml

    return [f for path in sorted(SHIPPED.glob("*.yaml")) for f in yaml.safe_load(path.read_text("utf-8"))["findings"]]
