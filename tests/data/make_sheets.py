"""Make the office-style sheets under tests/data/ (run once; the files are committed).

They imitate sheets offices keep: a title row above the header, header variants,
merged 方面 cells, aspect rows, 序号 like "(一)1", dates as Excel dates and as text,
status words, and one sheet full of mistakes; then (issue 14) a county office's ledger
with deadline phrases, a 填报单位 line, a note and a signature row; a two-row header with
counters and extensions in another column order; a GBK CSV; an Excel 97-2003 .xls with
merged cells (written with xlwt); a workbook with one sheet per unit and a summary sheet;
a sheet with a 单位 column. Run: python tests/data/make_sheets.py (needs openpyxl, xlwt).
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


def office_county() -> None:
    """A county bureau's 整改台账 as kept in WPS: title, 填报单位 line, merged 方面 cells
    numbered 一、/二、, titles numbered 1./（一）, deadlines as phrases, office status words,
    完成时间 and 备注 columns, a note row and a signature row."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["中共某县教育局党委关于县委第二巡察组反馈意见整改落实台账"])
    ws.merge_cells("A1:L1")
    ws.append(
        ["填报单位（盖章）：县教育局办公室", None, None, None, None, None, None, None, None, "填报时间：2022年1月5日"]
    )
    ws.append(
        ["序号", "方面", "问题", "整改措施", "责任领导", "责任部门", "责任人", "整改时限", "完成情况",
         "完成时间", "审签人", "备注"]
    )  # fmt: skip
    rows = [
        [1, "一、党的领导弱化方面", "1.党组理论学习中心组学习流于形式", "制定学习计划；开展专题研讨", "王书记",
         "办公室", "李某", "2021年12月底前", "已整改到位", datetime(2021, 11, 20), "王书记", "已报县委巡察办"],
        [2, None, "（一）意识形态责任制落实不到位", "1.健全责任清单\n2.每季度研判", "王书记", "办公室", "张某",
         "12月底", "已完成整改", "2021年12月28日", "王书记", None],
        [3, None, "2、“三重一大”决策程序不规范", "修订议事规则", "赵局长", "办公室", "钱某", "年底前", "基本完成",
         None, None, "待党组会审议"],
        [4, "二、全面从严治党不力方面", "1.公务用车管理不规范", "开展专项清理", "赵局长", "后勤科", "孙某",
         "立行立改", "已完成", "2021.9.30", "王书记", None],
        [5, None, "2.校园食堂监管存在薄弱环节", "建立常态化检查机制", "钟副局长", "安全科", "周某", "长期坚持",
         "持续整改", None, None, "每月抽查"],
        [6, None, "3.教师培训经费使用不规范", "清理培训经费", "钟副局长", "财务科", "吴某", "2022年6月",
         "正在推进", None, None, None],
        [7, "三、干部队伍建设方面", "1.年轻干部培养力度不够", "制定年轻干部培养计划", "王书记", "人事科",
         "郑某", "2022年上半年", "阶段性完成", None, None, None],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    ws.merge_cells("B4:B6")
    ws.merge_cells("B7:B9")
    ws.append(["注：1.完成情况填写“已完成整改”“正在推进”等；2.本表每月5日前报县委巡察办。"])
    ws.merge_cells("A11:L11")
    ws.append(["单位主要负责人（签字）：", None, None, "填表人：李某", None, None, "联系电话：1234567"])
    book.save(HERE / "office_county.xlsx")


def office_counters() -> None:
    """A two-row header: group headings 整改情况, 追责问责, 延期 over their columns, columns in
    another order (问题 first), 追缴资金 in 万元, 建章立制 in 项, extensions with their date."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "问题清单"
    ws.append(
        ["问题", "方面", "责任人", "整改时限", "整改情况", None, None, None, "追责问责", None, "追缴资金（万元）",
         "建章立制（项）", "延期", None, None]
    )  # fmt: skip
    ws.append(
        [None, None, None, None, "整改进展情况", "状态", "销号日期", "审签人", "政务处分", "批评教育", None, None,
         "延期时限", "延期批准日期", "延期审批人"]
    )  # fmt: skip
    for span in ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:J1", "K1:K2", "L1:L2", "M1:O1"):
        ws.merge_cells(span)
    rows = [
        ["违规发放津补贴", "（一）落实中央八项规定精神方面", "财务科 周某", datetime(2021, 10, 31),
         "已清退全部款项", "已完成", datetime(2021, 10, 20), "纪检组长陈某", 1, 2, 12.5, 2, None, None, None],
        ["公车私用", "（一）落实中央八项规定精神方面", "办公室 吴某", datetime(2021, 9, 30), "已追缴油费",
         "已完成", datetime(2021, 12, 10), "纪检组长陈某", None, 1, "0.36", 1, datetime(2021, 12, 15),
         datetime(2021, 9, 25), "纪检组长陈某"],
        ["制度执行打折扣", "（二）制度建设方面", "法规科 冯某", "2021年11月30日", "修订制度中", "正在推进", None,
         None, None, None, None, 3, "2022年3月31日", "2021年11月25日", "党组书记王某"],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    book.save(HERE / "office_counters.xlsx")


def office_gbk() -> None:
    """A CSV as Chinese Excel saves it: GBK, no BOM, CRLF line ends."""
    text = (
        "序号,方面,具体问题,整改措施,责任人,整改时限,整改状态,销号日期,审签人\r\n"
        "1,一、政治建设方面,学习贯彻不深入,制定学习计划,李某,2021年11月底,已完成,2021-11-15,钟某\r\n"
        "2,一、政治建设方面,“第一议题”制度落实不严,完善制度,王某,12月底,正在推进,,\r\n"
        "3,二、作风建设方面,督查检查考核过多,精简会议文件,赵某,长期坚持,,,\r\n"
    )
    (HERE / "office_gbk.csv").write_bytes(text.encode("gbk"))


def office_xls() -> None:
    """An Excel 97-2003 workbook (.xls) with a title row, a merged 方面 column and dates."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write_merge(0, 0, 0, 7, "某局巡察整改台账")
    for col, text in enumerate(["序号", "方面", "问题", "责任人", "整改时限", "完成情况", "销号日期", "审签人"]):
        ws.write(1, col, text)
    ws.write_merge(2, 3, 1, 1, "党的建设方面")
    body = [
        [1, None, "组织生活不规范", "李某", datetime(2021, 10, 31), "已完成", datetime(2021, 10, 8), "钟某"],
        [2, None, "党费收缴不及时", "王某", "2021年12月底前", "正在推进", None, None],
    ]
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write(r, c, value, dates)
            else:
                ws.write(r, c, value)
    book.save(str(HERE / "office_old.xls"))


def office_town() -> None:
    """A town's ledger in the layout of a published template, tried as a new user would:
    附件 line, title, 填报单位 line with full-width spaces, a heading with a line break,
    牵头单位/配合单位/整改责任人/整改目标/是否销号 headings, measures numbered ①②, 立即整改 and
    长期 deadlines, and a 审核人 only in the signature row (so --approver is needed)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["附件2"])
    ws.append(["XX镇党委关于县委第一巡察组巡察反馈问题整改落实情况台账"])
    ws.merge_cells("A2:M2")
    ws.append(["填报单位（盖章）：XX镇党委\u3000\u3000\u3000\u3000填报时间：2022年2月10日"])
    ws.merge_cells("A3:M3")
    ws.append(
        ["序号", "问题类别", "反馈问题", "整改目标", "整改措施", "牵头领导", "牵头单位", "配合单位", "整改责任人",
         "整改\n时限", "整改进展情况", "是否销号", "销号时间"]
    )  # fmt: skip
    rows = [
        ["1", "一、贯彻落实党的路线方针政策和党中央决策部署方面", "1.乡村振兴战略推进不力，产业项目带动作用不明显",
         "产业项目发挥效益", "①梳理项目清单；②建立联农带农机制", "镇长 张三", "农业办", "财政所", "李四",
         "2022年3月底前", "已梳理项目12个", "否", None],
        ["2", None, "2.防止返贫动态监测不到位", "监测全覆盖", "开展全面排查", "副镇长 王五", "乡村振兴办", None,
         "赵六", "2021年12月31日前", "已完成排查", "是", datetime(2021, 12, 20)],
        ["3", "二、落实全面从严治党责任方面", "1.“一岗双责”落实不到位", "压实责任", "签订责任书", "书记 孙七",
         "党政办", "纪委", "周八", "立即整改", "已签订", "是", "2021-11-30"],
        ["4", None, "2.村级财务管理不规范", "规范管理", "开展村级财务专项审计", "书记 孙七", "财政所", "各村",
         "吴九", "长期", "持续开展", "否", None],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    ws.merge_cells("B5:B6")
    ws.merge_cells("B7:B8")
    ws.append(["填报人：李四", "", "", "", "审核人：孙七"])
    book.save(HERE / "office_town.xlsx")


def hostile_xls() -> None:
    """A 6 KB .xls with one cell at IV65536: a reader would build a 65536 x 256 grid."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    ws.write(0, 0, "方面")
    ws.write(0, 1, "问题")
    ws.write(65535, 255, "x")
    book.save(str(HERE / "hostile_far.xls"))


def units_workbook() -> None:
    """One sheet per unit (named by the unit's name or id), a summary sheet first, and a
    hidden sheet; a second file with one sheet and a 单位 column."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append(["单位", "问题数", "已完成"])
    summary.append(["金华市人民检察院", 2, 1])
    header = ["序号", "方面", "问题", "整改时限", "完成情况", "销号日期", "审签人"]
    city = book.create_sheet("金华市人民检察院")
    city.append(header)
    city.append([1, "政治建设方面", "学习不深入", datetime(2021, 10, 31), "已完成", datetime(2021, 9, 30), "钟某"])
    city.append([2, "作风建设方面", "会风不正", datetime(2021, 12, 31), "整改中", None, None])
    county = book.create_sheet("wucheng")
    county.append(header)
    county.append([1, "政治建设方面", "制度执行不严", "2021年11月底", "已完成", datetime(2021, 11, 2), "钟某"])
    hidden = book.create_sheet("旧表")
    hidden.append(header)
    hidden.append([1, "政治建设方面", "旧问题", None, "整改中", None, None])
    hidden.sheet_state = "hidden"
    book.save(HERE / "units.xlsx")
    book = Workbook()
    one = book.active
    assert one is not None
    one.title = "全市"
    one.append(["单位", "方面", "问题", "整改时限", "状态", "销号日期", "审签人"])
    one.append(["金华市人民检察院", "政治建设方面", "学习不深入", None, "已完成", datetime(2021, 9, 30), "钟某"])
    one.append(["婺城区人民检察院", "政治建设方面", "制度执行不严", None, "整改中", None, None])
    one.append(["兰溪市人民检察院", "作风建设方面", "会风不正", None, "整改中", None, None])
    book.save(HERE / "units_column.xlsx")


def saved_by_libreoffice() -> None:
    """The county ledger saved as .xls and the counters sheet saved as CSV by another
    producer (LibreOffice, headless): its own BIFF writer, and dates in the CSV written
    with a time (``2021-10-31 0:00:00``)."""
    import shutil
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        for source, target in (
            ("office_county.xlsx", "xls"),
            ("office_counters.xlsx", 'csv:"Text - txt - csv (StarCalc)":44,34,76'),
        ):
            subprocess.run(
                ["soffice", "--headless", "--convert-to", target, "--outdir", out, str(HERE / source)], check=True
            )
        shutil.copy(Path(out) / "office_county.xls", HERE / "lo_county.xls")
        shutil.copy(Path(out) / "office_counters.csv", HERE / "lo_counters.csv")


def office_wps() -> None:
    """A county bureau's ledger as WPS 表格 saves an .xlsx, written part by part (not by
    openpyxl) the way WPS writes them: docProps/app.xml naming ``WPS 表格`` and a
    docProps/custom.xml with ``KSOProductBuildVer`` and ``ICV``; a ``<dimension ref="A1"/>``
    that understates the sheet; shared strings as plain ``<si><t>`` (no rich text) and some
    cells as inline strings; fonts 宋体 with charset 134; dates as serial numbers styled with
    the Chinese built-in formats that carry no ``<numFmt>`` definition (31
    ``yyyy"年"m"月"d"日"``, 57 ``yyyy"年"m"月"`` for a month alone), 14 and a custom
    ``yyyy/m/d;@``; merged 方面 cells written as styled empty cells; a 填报时间 label with the
    date in the next cell; a 完成情况 drop-down as an x14 data validation in extLst (which
    openpyxl warns about and drops); an empty Sheet2."""
    import zipfile
    from xml.sax.saxutils import escape

    shared: list[str] = []

    def sst(text: str) -> int:
        if text not in shared:
            shared.append(text)
        return shared.index(text)

    def serial(y: int, m: int, d: int) -> int:
        return (datetime(y, m, d) - datetime(1899, 12, 30)).days

    # style ids (cellXfs order below): 0 general, 1 title, 2 header, 3 body text, 4 date 31, 5 date 57,
    # 6 date 14, 7 date custom 176, 8 body centred
    title = "县卫生健康局党委落实县委第四巡察组反馈意见整改台账"
    rows: list[list[tuple[str, object, int] | None]] = []

    def s(text: str, style: int = 3) -> tuple[str, object, int]:
        return ("s", text, style)

    def inline(text: str, style: int = 3) -> tuple[str, object, int]:
        return ("inline", text, style)

    def n(value: object, style: int) -> tuple[str, object, int]:
        return ("n", value, style)

    rows.append([s(title, 1)] + [None] * 12)
    rows.append([s("填报单位：县卫生健康局（盖章）")] + [None] * 9 + [s("填报时间："), n(serial(2022, 3, 15), 4), None])
    header = ["序号", "问题类别", "存在问题", "整改措施", "责任领导", "责任科室", "责任人", "整改时限", "整改进展",
              "完成情况", "销号时间", "审签人", "备注"]  # fmt: skip
    rows.append([s(h, 2) for h in header])
    body = [
        [n(1, 8), s("一、党的政治建设方面"), s("1.党委理论学习中心组学习不够深入"), inline("制定年度学习计划；开展专题研讨"),
         s("党委书记 何某"), s("办公室"), s("许某"), n(serial(2021, 12, 31), 4), s("已完成年度计划"),
         s("已完成"), n(serial(2021, 12, 20), 6), s("何某"), None],
        [n(2, 8), None, s("2.落实意识形态工作责任制不到位"), s("建立意识形态工作台账"), s("党委书记 何某"),
         s("办公室"), s("许某"), n(serial(2022, 6, 1), 5), s("台账已建立，正在完善"), s("正在推进"), None, None,
         inline("按月报送")],
        [n(3, 8), s("二、全面从严治党方面"), s("1.医疗设备采购监管不严"), s("开展采购专项检查；追回多付款项"),
         s("副局长 曹某"), s("规划财务科"), s("严某"), inline("2022年3月底前"), s("已追回款项"), s("已整改到位"),
         n(serial(2022, 3, 2), 7), s("何某"), None],
        [n(4, 8), None, s("2.医德医风建设有待加强"), s("开展医德医风专项教育"), s("副局长 曹某"), s("医政科"),
         s("华某"), s("长期坚持"), s("每季度开展一次"), s("持续推进"), None, None, None],
        [n(5, 8), None, s("3.基层医疗机构药品管理不规范"), s("开展药品管理检查"), s("副局长 金某"), s("药政科"),
         s("魏某"), n(serial(2022, 4, 30), 4), None, s("未启动"), None, None, None],
    ]  # fmt: skip
    rows.extend(body)
    merges = ["A1:M1", "A2:J2", "B4:B5", "B6:B8"]

    def ref(r: int, c: int) -> str:
        letters = ""
        c += 1
        while c:
            c, rest = divmod(c - 1, 26)
            letters = chr(65 + rest) + letters
        return f"{letters}{r + 1}"

    covered = set()
    for span in merges:
        first, last = span.split(":")
        c0, r0 = ord(first[0]) - 65, int(first[1:]) - 1
        c1, r1 = ord(last[0]) - 65, int(last[1:]) - 1
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    xml_rows = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            if cell is None:
                if (r, c) in covered or r >= 3:
                    cells.append(f'<c r="{ref(r, c)}" s="{3 if r >= 3 else 1}"/>')  # WPS keeps borders on blanks
                continue
            kind, value, style = cell
            if kind == "s":
                cells.append(f'<c r="{ref(r, c)}" s="{style}" t="s"><v>{sst(str(value))}</v></c>')
            elif kind == "inline":
                cells.append(f'<c r="{ref(r, c)}" s="{style}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
            else:
                cells.append(f'<c r="{ref(r, c)}" s="{style}"><v>{value}</v></c>')
        height = ' ht="40" customHeight="1"' if r == 0 else ""
        xml_rows.append(f'<row r="{r + 1}" spans="1:13"{height}>{"".join(cells)}</row>')
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet1 = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{main}" xmlns:r="{rel}" '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">'
        '<sheetPr/><dimension ref="A1"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><selection activeCell="C4" sqref="C4"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5"/>'
        '<cols><col min="1" max="1" width="6" customWidth="1"/><col min="3" max="4" width="30" customWidth="1"/></cols>'
        f'<sheetData>{"".join(xml_rows)}</sheetData>'
        f'<mergeCells count="{len(merges)}">{merged}</mergeCells>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        '<pageSetup paperSize="9" orientation="landscape"/><headerFooter/>'
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
        "<x14:formula1><xm:f>Sheet2!$A$1:$A$4</xm:f></x14:formula1><xm:sqref>J4:J8</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
        "</worksheet>"
    )
    sheet2 = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{main}" xmlns:r="{rel}"><sheetPr/><dimension ref="A1"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5"/><sheetData/>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/><headerFooter/>'
        "</worksheet>"
    )
    strings = "".join(f"<si><t>{escape(t)}</t></si>" for t in shared)
    sst_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{main}" count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>'
    )
    font = '<font><sz val="{size}"/><name val="宋体"/><charset val="134"/>{bold}</font>'
    xf = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="{border}" xfId="0"{apply}>{align}</xf>'
    wrap = '<alignment vertical="center" wrapText="1"/>'
    centre = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
    xfs = [
        xf.format(fmt=0, font=0, border=0, apply="", align='<alignment vertical="center"/>'),
        xf.format(fmt=0, font=1, border=0, apply=' applyFont="1" applyAlignment="1"', align=centre),
        xf.format(fmt=0, font=2, border=1, apply=' applyFont="1" applyBorder="1" applyAlignment="1"', align=centre),
        xf.format(fmt=0, font=0, border=1, apply=' applyBorder="1" applyAlignment="1"', align=wrap),
        xf.format(fmt=31, font=0, border=1, apply=' applyNumberFormat="1" applyBorder="1"', align=centre),
        xf.format(fmt=57, font=0, border=1, apply=' applyNumberFormat="1" applyBorder="1"', align=centre),
        xf.format(fmt=14, font=0, border=1, apply=' applyNumberFormat="1" applyBorder="1"', align=centre),
        xf.format(fmt=176, font=0, border=1, apply=' applyNumberFormat="1" applyBorder="1"', align=centre),
        xf.format(fmt=0, font=0, border=1, apply=' applyBorder="1" applyAlignment="1"', align=centre),
    ]
    thin = '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>' \
        '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{main}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts>'
        '<fonts count="3">' + font.format(size=11, bold="") + font.format(size=16, bold="<b/>")
        + font.format(size=11, bold="<b/>") + "</fonts>"
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        "</fill></fills>"
        f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{thin}</border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0">'
        '<alignment vertical="center"/></xf></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
        "</styleSheet>"
    )  # fmt: skip
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{main}" xmlns:r="{rel}">'
        '<workbookPr/><bookViews><workbookView windowWidth="28125" windowHeight="12540"/></bookViews>'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="Sheet2" sheetId="2" r:id="rId2"/></sheets>'
        '<calcPr calcId="144525"/></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId4" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/>'
        "</Relationships>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
        f'<Relationship Id="rId4" Type="{rel}/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>"
    )
    ct = "application/vnd.openxmlformats-officedocument"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/>'
        f'<Override PartName="/docProps/custom.xml" ContentType="{ct}.custom-properties+xml"/>'
        "</Types>"
    )  # fmt: skip
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>WPS 表格</Application><HeadingPairs><vt:vector size=\"2\" baseType=\"variant\">"
        "<vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4></vt:variant></vt:vector>"
        '</HeadingPairs><TitlesOfParts><vt:vector size="2" baseType="lpstr"><vt:lpstr>Sheet1</vt:lpstr>'
        "<vt:lpstr>Sheet2</vt:lpstr></vt:vector></TitlesOfParts></Properties>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:creator>Administrator</dc:creator><cp:lastModifiedBy>许某</cp:lastModifiedBy>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2022-03-01T08:12:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2022-03-15T09:30:41Z</dcterms:modified></cp:coreProperties>'
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        "<vt:lpwstr>2052-11.1.0.11365</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV">'
        "<vt:lpwstr>7D2F4E1B5A8C4F0E9B3D6A1C2E5F8B90</vt:lpwstr></property></Properties>"
    )
    with zipfile.ZipFile(HERE / "office_wps.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in (
            ("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/app.xml", app),
            ("docProps/core.xml", core), ("docProps/custom.xml", custom), ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", sst_xml), ("xl/worksheets/sheet1.xml", sheet1),
            ("xl/worksheets/sheet2.xml", sheet2),
        ):  # fmt: skip
            info = zipfile.ZipInfo(name, date_time=(2022, 3, 15, 9, 30, 40))
            info.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(info, data.encode("utf-8"))


if __name__ == "__main__":
    office_a()
    office_b()
    office_bad()
    office_county()
    office_counters()
    office_gbk()
    office_xls()
    hostile_xls()
    office_town()
    saved_by_libreoffice()
    units_workbook()
    office_wps()
