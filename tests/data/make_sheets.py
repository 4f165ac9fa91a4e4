"""Make the office-style sheets under tests/data/ (run once; the files are committed).

They imitate sheets offices keep: a title row above the header, header variants,
merged 方面 cells, aspect rows, 序号 like "(一)1", dates as Excel dates and as text,
status words, and one sheet full of mistakes. Run: python tests/data/make_sheets.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def office_a() -> None:
    """A bureau's 整改台账: title row, header on row 3, merged 方面, mixed dates and words."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["婺城区文化和旅游体育局巡察反馈问题整改台账"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：局办公室", None, None, None, None, None, None, None, "填报日期：2023年5月4日"])
    ws.append(
        ["序号", "方面", "存在问题", "整改措施", "分管领导", "牵头部门", "具体责任人", "完成时限", "完成情况", "审签人"]
    )
    rows = [
        [
            "(一)1",
            "党的领导方面",
            "理论学习中心组学习不深入",
            "1. 制定年度学习计划\n2. 开展专题研讨",
            "王某",
            "办公室",
            "李某",
            datetime(2023, 3, 31),
            "已完成",
            "局长钟某",
        ],
        [
            "(一)2",
            None,
            "意识形态工作责任制落实不到位",
            "健全意识形态工作责任清单；定期研判",
            "王某",
            "办公室",
            "张某",
            "2023年4月30日",
            "已销号",
            "局长钟某",
        ],
        [
            "(一)3",
            None,
            "文物安全巡查不到位",
            "开展文物安全专项检查",
            "陈某",
            "文物科",
            "赵某",
            "2023.06.30",
            "正在整改",
            None,
        ],
        [
            "(二)1",
            "全面从严治党方面",
            "公务接待管理不规范",
            "修订公务接待管理办法",
            "刘某",
            "财务科",
            "孙某",
            "2023/05/31",
            "阶段性完成",
            None,
        ],
        [
            "(二)2",
            None,
            "专项资金监管不严",
            "清退违规资金7.132万元",
            "刘某",
            "财务科",
            "周某",
            datetime(2023, 4, 15),
            "已整改",
            "局长钟某",
        ],
        ["(二)3", None, "体育场馆对外开放不足", "制定场馆开放方案", "刘某", "体育科", "吴某", None, "长期坚持", None],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("B4:B6")
    ws.merge_cells("B7:B9")
    ws.append([None, None, "注：以上问题按整改时限推进。"])
    book.save(HERE / "office_a.xlsx")


def office_b() -> None:
    """A sheet with aspect rows instead of an aspect column, 问题描述 as the problem, and 备注."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["序号", "问题描述", "整改措施", "责任部门", "责任人", "整改时限", "备注"])
    ws.append(["（一）贯彻落实党中央决策部署方面"])
    ws.append([1, "服务企业举措不多", "走访企业；建立联系制度", "第一检察部", "李某", datetime(2021, 11, 30), ""])
    ws.append([2, "数字化改革工作不到位", "制定数字检察工作方案", "办公室", "王某", "2021年12月31日", "重点"])
    ws.append(["（二）落实全面从严治党方面"])
    ws.append([1, "法律监督质效不高", "开展案件质量评查", "案管部", "赵某", "2021.12.31", None])
    book.save(HERE / "office_b.xlsx")


def office_bad() -> None:
    """Mistakes an importer must report, each at its cell: a bad date, an unknown status
    word, a closed row without 审签人, a problem with no aspect."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台账"
    ws.append(["序号", "方面", "问题", "整改时限", "状态", "审签人"])
    ws.append([1, "党的领导方面", "问题一", "2021-13-01", "已完成", "钟某"])
    ws.append([2, "党的领导方面", "问题二", "2021-10-31", "差不多了", None])
    ws.append([3, "党的领导方面", "问题三", "2021-10-31", "已销号", None])
    ws.append([4, None, "问题四", "2021-10-31", "整改中", None])
    book.save(HERE / "office_bad.xlsx")


if __name__ == "__main__":
    office_a()
    office_b()
    office_bad()
