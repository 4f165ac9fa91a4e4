"""Paper as offices print it: the 整改销号表 workbook converted to PDF by LibreOffice and
checked from the PDF itself (page count, smallest text, every line of a multi-line cell,
the signature spaces and the page numbers). Converted once per module; skipped where
LibreOffice is missing unless on CI (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_html(page: Path, work: Path) -> Path:
    """Print ``page`` to PDF with headless Chromium (its own profile, no header or footer)."""
    assert CHROMIUM is not None, "CI must install Chromium (.ci/run does)"
    pdf = page.with_suffix(".pdf")
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={work / 'chromium'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    assert pdf.exists()
    return pdf


def _plain(text: str) -> str:
    """Text as typed: Chromium's PDFs map some ideographs to (Kangxi or supplementary) radicals."""
    return unicodedata.normalize("NFKC", text).replace("\u2ea0", "民")


@pytest.fixture(scope="module")
def bulletin_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from rectify.api import Ledgers
    from rectify.present import bulletin

    work = tmp_path_factory.mktemp("bulletin")
    data = Ledgers(SHIPPED).bulletin(AS_OF, date(2021, 12, 24))
    out = {}
    for name, details in (("summary", False), ("details", True)):
        page = work / f"{name}.html"
        text = bulletin.html(data, "zh", office="金华市巡察整改工作领导小组办公室", issue=12, details=details)
        page.write_text(text, encoding="utf-8")
        out[name] = print_html(page, work)
    return out


def test_the_bulletin_summary_is_one_page_of_a4(bulletin_pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(bulletin_pdfs["summary"]) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4
        assert min(c["size"] for c in page.chars) >= 9.0
        text = _plain(page.extract_text())  # Chromium's PDF maps some glyphs to radicals
    lines = text.splitlines()
    assert lines[0] == "金华市巡察整改工作领导小组办公室" and lines[1].replace(" ", "") == "巡察整改进展情况通报"
    assert lines[2] == "第12期 2021年12月31日"
    ranked = [line.split()[1] for line in lines if line[:2].strip().isdigit() and "检察院" in line]
    assert ranked[:2] == ["金华市人民检察院", "浦江县人民检察院"] and ranked[-1] == "东阳市人民检察院"
    assert "ID" not in text and "编号 单位 问题 整改时限 逾期天数 责任人" in text
    assert "jinhua-025" in text and "问题清单" not in text


def test_the_findings_list_starts_on_a_new_page(bulletin_pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(bulletin_pdfs["details"]) as doc:
        assert len(doc.pages) > 5
        assert min(c["size"] for page in doc.pages for c in page.chars) >= 9.0
        assert _plain(doc.pages[1].extract_text()).startswith("问题清单")


@pytest.fixture(scope="module")
def docx_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from rectify.api import Ledgers
    from rectify.present import document

    work = tmp_path_factory.mktemp("docx")
    data = Ledgers(SHIPPED).bulletin(AS_OF, date(2021, 12, 24))
    path = work / "通报.docx"
    path.write_bytes(document.docx_bytes(data, "zh", office="金华市巡察整改工作领导小组办公室", issue=12))
    return path, to_pdf(path, work)


def test_the_bulletin_as_an_official_word_document(docx_pdf: tuple[Path, Path]) -> None:
    import pdfplumber
    from docx import Document

    path, pdf = docx_pdf
    doc = Document(str(path))
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))
    assert (section.top_margin.mm, section.bottom_margin.mm) == (pytest.approx(37, abs=0.1), pytest.approx(35, abs=0.1))
    assert (section.left_margin.mm, section.right_margin.mm) == (pytest.approx(28, abs=0.1), pytest.approx(26, abs=0.1))
    xml = path.read_bytes()
    assert len(doc.tables) == 3  # units, overdue, trend: real Word tables
    assert [c.text for c in doc.tables[0].rows[1].cells[:3]] == ["1", "金华市人民检察院", "37"]
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    fonts = {r._element.rPr.rFonts.get(east_asia) for p in doc.paragraphs for r in p.runs if r._element.rPr is not None}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= fonts
    assert b"word/document.xml" in xml  # a real .docx package
    east = doc.paragraphs[3].runs[0]._element.rPr.rFonts.get(  # the title
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east == "方正小标宋简体"
    with pdfplumber.open(pdf) as rendered:
        assert 1 <= len(rendered.pages) <= 3
        assert all(sorted((round(p.width), round(p.height))) == [595, 842] for p in rendered.pages)
        assert min(c["size"] for p in rendered.pages for c in p.chars) >= 9.0
        texts = [p.extract_text() or "" for p in rendered.pages]
    assert texts[0].startswith("金华市巡察整改工作领导小组办公室\n第 12 期")
    assert "\n".join(texts).count("巡察整改进展情况通报") == 1  # the title once
    for number, text in enumerate(texts, start=1):
        assert f"— {number} —" in text
    whole = "\n".join(texts)
    assert "296/315 94.0%" in whole and "jinhua-025" in whole and "ID" not in whole


def test_the_sheet_shows_return_opinions_and_long_term_findings_overdue(sheet_pdf: tuple[Path, Path]) -> None:
    """整改进展 carries each 退回 opinion with who gave it (a supervisor reads why it was
    sent back), without doubling the 退回 its note begins with; the printed page shows it."""
    from openpyxl import load_workbook

    book, pdf = sheet_pdf
    ws = load_workbook(book)["东阳市人民检察院"]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "津补贴发放不规范")
    assert row[7] == (
        "1. 2021-08-16 向党组汇报整改进展\n"
        "2. 2021-08-18 退回（姜某）：整改成效体现不充分，需补充跟踪落实情况\n"
        "3. 2021-08-24 按退回意见补充整改措施和佐证材料"
    )
    text = "".join(page for page, _ in _pages(pdf)).replace(" ", "")
    assert "2021-08-18退回（姜某）" in text and "退回：退回" not in text


def test_evidence_prints_by_file_name_and_a_late_long_term_finding_says_both() -> None:
    from rectify.present import workbook

    assert workbook.evidence_names(["evidence/jinhua-038/自查报告.pdf", "制度汇编.docx"]) == "自查报告.pdf\n制度汇编.docx"
    assert {key: width for key, _, width in workbook.COLUMNS}["evidence"] == 13
    from io import BytesIO

    from openpyxl import load_workbook

    from rectify.api import Ledgers

    ledgers = Ledgers(SHIPPED).ledgers()
    ws = load_workbook(BytesIO(workbook.xlsx_bytes(ledgers, date(2026, 12, 3))))["东阳市人民检察院"]
    states = {r[1]: r[8] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)}
    long_term = [f.title for f in ledgers[0].findings if f.status.value == "long_term"]
    assert ledgers[0].unit.name == "东阳市人民检察院" and long_term
    assert {states[title] for title in long_term} == {"长期坚持\n逾期"}
