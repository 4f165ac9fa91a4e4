"""What a supervisor prints, checked from LibreOffice's PDF: a finding added later under
an aspect listed earlier stays under that aspect's one heading (the 整改销号表, the CSV),
and the Word 通报's tables keep headers, ids and dates on one line, within the page."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.test_paper import SOFFICE, pytestmark  # noqa: F401  (skipped without LibreOffice)

FIRST = "贯彻落实党的路线方针政策和党中央决策部署方面"
SECOND = "落实全面从严治党战略部署方面"


def to_pdf(source: Path, work: Path) -> Path:
    """Convert ``source`` to PDF with headless LibreOffice in a private profile; a second
    try when the first start (which makes the profile) ends without converting."""
    assert SOFFICE is not None
    pdf = work / (source.stem + ".pdf")
    for _ in range(2):
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={(work / 'lo-profile').as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(work), str(source)],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        if pdf.exists():
            break
    assert pdf.exists()
    return pdf


def _text(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def _pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as rendered:
        return len(rendered.pages)


def test_a_later_finding_joins_its_aspect_in_the_workbook_and_csv(shipped: Path, run: Run, tmp_path: Path) -> None:
    added = run("add", "--unit", "jinhua", "--aspect", SECOND, "--title", "新增问题示例", "--deadline", "2022-06-30",
                "--date", "2021-12-01", "-m", "建立台账")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run("export", "-o", "x.xlsx", "--unit", "jinhua").exit_code == 0
    text = _text(to_pdf(tmp_path / "x.xlsx", tmp_path))
    headings = re.findall(r"^([一二三四五六七八九十]+)、(\S+方面)", text, re.M)
    assert headings == [("一", FIRST), ("二", SECOND), ("三", "落实新时代党的组织路线方面"),
                        ("四", "落实巡视巡察整改和主题教育检视问题整改方面")]  # fmt: skip
    between = text[text.index("二、" + SECOND) : text.index("三、")]
    assert "新增问题示例" in between
    assert run("export", "-o", "x.csv", "--unit", "jinhua").exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig"))))
    aspects = [row["aspect"] for row in rows]
    assert list(dict.fromkeys(aspects)) == [h[1] for h in headings]
    assert aspects == sorted(aspects, key=list(dict.fromkeys(aspects)).index)  # each aspect's rows together
    assert [row["id"] for row in rows if row["aspect"] == SECOND][-1] == "jinhua-038"


@pytest.mark.parametrize("unit", [None, "dongyang"])
def test_the_word_bulletin_tables_print_whole(shipped: Path, run: Run, tmp_path: Path, unit: str | None) -> None:
    from docx import Document

    args = ["report", "--lang", "zh", "-o", "bulletin.docx", "--as-of", "2022-03-01", "--details", "--office", "巡察办"]
    result = run(*args, *(["--unit", unit] if unit else []))
    assert result.exit_code == 0, result.output
    path = tmp_path / "bulletin.docx"  # an ASCII name: LibreOffice in the C locale cannot load a Chinese one
    doc = Document(str(path))
    assert all(section.left_margin.mm == pytest.approx(28, abs=0.1) for section in doc.sections)
    pdf = to_pdf(path, tmp_path)
    text = _text(pdf)
    assert text.count("巡察整改进展情况通报") == 1  # the title once
    tables = [["排名", "单位", "问题数", "已销号", "整改中", "长期坚持", "逾期", "整改完成率"],
              ["编号", "单位", "问题", "整改时限", "逾期天数", "责任人"], ["日期", "已销号", "整改完成率"],
              ["编号", "问题", "整改措施", "整改状态"]]  # fmt: skip
    pages = _text(pdf, layout=True).split("\f")
    heads = [line.split() for page in pages for line in page.splitlines()]
    for headers in tables:  # every header on one line, whole
        assert headers in heads, headers
    details = [page for page in pages if "已销号，整改时限" in page]
    assert len(details) >= (20 if unit is None else 3)
    for page in details:  # the header row repeated on each page of the list
        assert ["编号", "问题", "整改措施", "整改状态"] in [line.split() for line in page.splitlines()]
    ids = set(re.findall(r"\b[a-z]+-\d{3}\b", text))
    assert "dongyang-033" in ids  # overdue on 2022-03-01
    assert not re.search(r"\b[a-z]+-\n", text)  # no id broken after its hyphen
    assert not re.search(r"\b20\d\d-\d\d-\n", text)  # no date broken
    assert not re.search(r"20\d\d ?年(?: ?\d{1,2} ?月(?: ?\d{1,2})?)? *\n", text)  # nor one written in Chinese
    import pdfplumber

    with pdfplumber.open(pdf) as rendered:
        for page in rendered.pages:
            assert sorted((round(page.width), round(page.height))) == [595, 842]  # A4, either way
            left = 28 / 25.4 * 72 - 1
            right = page.width - 26 / 25.4 * 72 + 1
            for line in page.lines + page.rects:  # the tables' rules stay within the margins
                assert left <= line["x0"] and line["x1"] <= right, (page.page_number, line["x0"], line["x1"])
        wide = [p for p in rendered.pages if p.width > p.height]
        assert wide  # the overdue list and the details need the page turned
        assert len(rendered.pages) == (32 if unit is None else 6)  # dates in Chinese: the overdue list turns too
