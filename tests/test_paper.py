"""Paper as offices print it: the 整改销号表 workbook converted to PDF by LibreOffice and
checked from the PDF itself (page count, smallest text, every line of a multi-line cell,
the signature spaces and the page numbers). Converted once per module; skipped where
LibreOffice is missing unless on CI (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SHIPPED

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed (CI installs it)"
)
AS_OF = date(2021, 12, 31)


def to_pdf(source: Path, work: Path) -> Path:
    """Convert ``source`` to PDF with headless LibreOffice in a private profile."""
    assert SOFFICE is not None, "CI must install LibreOffice (.ci/run does)"
    profile = work / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), str(source)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    pdf = work / (source.stem + ".pdf")
    assert pdf.exists()
    return pdf


@pytest.fixture(scope="module")
def sheet_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    from rectify.api import Ledgers
    from rectify.present import workbook

    work = tmp_path_factory.mktemp("paper")
    book = work / "台账.xlsx"
    book.write_bytes(workbook.xlsx_bytes(Ledgers(SHIPPED).ledgers(), AS_OF))
    yield book, to_pdf(book, work)


def _pages(pdf: Path) -> list[tuple[str, float]]:
    """Each page's text and its smallest character size (pt)."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [(page.extract_text() or "", min(c["size"] for c in page.chars)) for page in doc.pages]


def test_the_rectification_sheet_prints_legibly_on_a4(sheet_pdf: tuple[Path, Path]) -> None:
    import pdfplumber

    _, pdf = sheet_pdf
    with pdfplumber.open(pdf) as doc:
        assert all(round(p.width) == 842 and round(p.height) == 595 for p in doc.pages)  # A4 landscape
    pages = _pages(pdf)
    assert min(size for _, size in pages) >= 9.0
    starts = [i for i, (text, _) in enumerate(pages) if "巡察反馈意见整改销号表" in text.splitlines()[0]]
    jinhua = next(i for i in starts if pages[i][0].startswith("金华市人民检察院"))
    end = min([s for s in starts if s > jinhua] + [len(pages)])
    assert end - jinhua <= 4  # 37 problems on at most four sheets of A4
    texts = [text for text, _ in pages[jinhua:end]]
    assert "填报单位（盖章）：金华市人民检察院" in texts[0] and "填报日期：2021年12月31日" in texts[0]
    for text in texts[1:]:
        assert text.splitlines()[0].startswith("序")  # the header row repeats on every page
    last = texts[-1].replace(" ", "")
    for label in ("整改责任人（签字）", "审签人（签字）", "单位主要负责人（签字）"):
        assert label in last
    for number, text in enumerate(texts, start=jinhua + 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text


def test_every_line_of_a_multi_line_cell_prints(sheet_pdf: tuple[Path, Path]) -> None:
    import pdfplumber
    from openpyxl import load_workbook

    book, pdf = sheet_pdf
    ws = load_workbook(book)["金华市人民检察院"]
    column = ""  # the 整改措施 column of the unit's pages, read top to bottom
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            words = page.extract_words()
            if not any(w["text"].startswith("金华市人民检察院巡察") for w in words) and not column:
                continue
            if column and any(w["text"].endswith("巡察反馈意见整改销号表") for w in words):
                break
            borders = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
            title = next(w for w in words if w["text"] == "问题")["x1"]
            left = next(x for x in borders if x > title)  # the border between 问题 and 整改措施
            right = next(x for x in borders if x > left + 5)
            crop = page.crop((left, 0, right, page.height))
            column += (crop.extract_text() or "").replace("\n", "").replace(" ", "")
    measures = [c.value for c in ws["C"][3:] if isinstance(c.value, str) and "\n" in c.value]
    assert len(measures) > 25
    for cell in measures:
        for line in cell.split("\n"):
            assert line.replace(" ", "") in column, line
