"""The progress bulletin: its figures equal `status`'s, the HTML is self-contained, and a
real headless Chromium renders it (title, one bar per unit, the total rate)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _status(run: Run, as_of: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(run("status", "--format", "json", "--as-of", as_of).stdout)
    return rows


@pytest.mark.parametrize(("as_of", "written"), [("2021-09-30", "2021年9月30日"), ("2021-12-31", "2021年12月31日")])
def test_markdown_figures_equal_status(run: Run, shipped: Path, tmp_path: Path, as_of: str, written: str) -> None:
    out = tmp_path / "通报.md"
    result = run("report", "-f", "md", "-o", str(out), "--as-of", as_of, "--lang", "zh")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    rows = _status(run, as_of)
    total = rows[-1]
    assert text.startswith(f"# 巡察整改进展情况通报（截至{written}）\n")
    assert (
        f"共反馈问题{total['findings']}个，已完成整改{total['closed']}个，正在整改{total['in_progress']}个，"
        f"需长期坚持{total['long_term']}个，逾期{total['overdue']}个，整改完成率{total['rate']}%"
    ) in text
    section = text.split("## 各单位整改进展")[1].split("\n## ")[0]
    table = [line for line in section.splitlines() if line.startswith("| ") and "%" in line]
    assert len(table) == len(rows)
    for line, row in zip(table, rows, strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[1:] == [
            str(row[k]) for k in ("findings", "closed", "in_progress", "long_term", "overdue", "rate_text")
        ]


def test_changes_since_the_last_bulletin(run: Run, shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    assert (
        run(
            "report", "-f", "md", "-o", str(out), "--as-of", "2021-12-31", "--since", "2021-12-24", "--lang", "zh"
        ).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    closed_then = _status(run, "2021-12-24")[-1]["closed"]
    closed_now = _status(run, "2021-12-31")[-1]["closed"]
    assert isinstance(closed_then, int) and isinstance(closed_now, int)
    assert f"### 新完成销号: {closed_now - closed_then}\n" in text
    assert "### 新增逾期: 0\n" in text  # jinhua-025 was already overdue on 2021-12-24
    assert "## 逾期问题: 1\n" in text and "jinhua-025" in text.split("## 逾期问题")[1].split("##")[0]
    bad = run("report", "-f", "md", "-o", str(out), "--as-of", "2021-12-01", "--since", "2021-12-24")
    assert bad.exit_code == 2 and "must be before the bulletin's date" in bad.stderr


def test_html_is_one_self_contained_file(run: Run, shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    assert run("report", "-o", str(out), "--as-of", "2021-12-31", "--lang", "zh").exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("<script", "http://", "https://", " src=", "@import", "url(", "<link"):
        assert outside not in page, outside
    assert page.count('<div class="bar"') == 11  # ten units and the total
    assert "print-color-adjust: exact" in page
    assert '<svg class="trend"' in page


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)")
def test_the_bulletin_in_a_real_browser(run: Run, shipped: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "CI must install Chromium (.ci/run does)"
    out = tmp_path / "bulletin.html"
    assert run("report", "-o", str(out), "--as-of", "2021-12-31", "--lang", "zh").exit_code == 0
    flags = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,1400",
    ]  # fmt: skip
    dom = subprocess.run([*flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<title>巡察整改进展情况通报（截至2021年12月31日）</title>" in dom
    assert len(re.findall(r'<div class="bar"', dom)) == 11
    assert "整改完成率94.0%" in dom and "296/315 94.0%" in dom
    shot = tmp_path / "bulletin.png"
    subprocess.run([*flags, f"--screenshot={shot}", out.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
    from PIL import Image

    with Image.open(shot) as image:
        pixels = image.convert("RGB")
        width, height = pixels.size
        colours = [pixels.getpixel((x, y)) for x in range(0, width, 2) for y in range(0, height, 2)]
    blue = sum(1 for r, g, b in colours if (r, g, b) == (0x1F, 0x5F, 0xBF))
    red = sum(1 for r, g, b in colours if (r, g, b) == (0xD6, 0x28, 0x28))
    assert blue > 2000  # eleven mostly-blue bars were painted
    assert red > 0  # the city unit's overdue finding shows in red


def test_an_office_template_folder_replaces_the_shipped_template(run: Run, shipped: Path, tmp_path: Path) -> None:
    root = shipped.parent
    (root / "模板").mkdir()
    (root / "模板" / "bulletin.html.j2").write_text(
        "{{ office }}|{{ issue }}|{{ issued }}|{{ unit_rows[0].cells[1] }}|{{ w.units }}\n", encoding="utf-8"
    )
    (root / "rectify.yaml").write_text(
        "bulletin:\n  templates: 模板\n  office: <b>市委巡察办</b>\n  issue: 3\n", encoding="utf-8"
    )
    out = tmp_path / "b.html"
    result = run("report", "-o", str(out), "--as-of", "2021-12-31", "--lang", "zh", "--date", "2022-01-04")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "&lt;b&gt;市委巡察办&lt;/b&gt;|第3期|2022年1月4日|金华市人民检察院|各单位整改进展\n"
    result = run("report", "-o", str(out), "--as-of", "2021-12-31", "--issue", "4", "--office", "办", "--lang", "zh")
    assert out.read_text(encoding="utf-8").startswith("办|第4期|")
    (root / "rectify.yaml").write_text("bulletin:\n  templates: 没有\n", encoding="utf-8")
    bad = run("report", "-o", str(out), "--as-of", "2021-12-31")
    assert bad.exit_code != 0 and "bulletin.templates" in bad.stderr and "is not a folder" in bad.stderr
