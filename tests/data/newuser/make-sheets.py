# ruff: noqa
#!/usr/bin/env python3
"""Build four office-style 巡察整改台账 sheets (a new user's test data).

Run: python make-sheets.py   (writes next to this file)

A. A-青山县自然资源局-整改台账.xlsx  single unit, title row, 填报单位 line,
   two-row header with merged 整改情况, 方面 merged down column A (一、…),
   a （一） sub-heading row, note row and signature row under the table.
B. B-三个单位整改台账.xlsx  one sheet per unit (教育局, 卫健局, 住建局), each
   with its own headings, plus a 汇总 sheet without a header.
C. C-青山县林业局-简易台账.csv  GBK, simple ledger.
D. D-青山县农业农村局-整改台账.xlsx  with 问责人数, 追缴资金（元）,
   建章立制（项） and 延期 columns.

The expected figures of each sheet are printed and written to EXPECTED.md.
Feedback date of every unit: 2023-04-20 (巡察反馈).
"""
import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")

# status words -> expected state
CLOSED = {"已完成", "已整改到位", "已完成整改", "已销号", "完成"}
LONG = {"持续整改", "长期坚持", "阶段性完成"}


def box(ws, r1, c1, r2, c2):
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for c in row:
            c.border = BOX
            if c.alignment is None or not c.alignment.wrap_text:
                c.alignment = LEFT


# ---------------------------------------------------------------- sheet A
A_ASPECTS = [
    ("一、贯彻落实党的理论和路线方针政策及党中央决策部署方面", [
        # 问题表现, 整改目标, 整改措施, 领导, 科室, 责任人, 时限, 进展, 是否完成, 销号时间, 备注
        ("1.学习贯彻习近平新时代中国特色社会主义思想不够深入，党组理论学习中心组学习流于形式。",
         "提高学习实效", "1.制定年度学习计划；\n2.每季度开展专题研讨不少于1次。",
         "张建国", "办公室", "李红", "2023年6月底前", "已制定2023年学习计划，开展专题研讨2次。", "已完成", dt.date(2023, 6, 28), ""),
        ("2.耕地保护责任落实不到位，部分乡镇存在违法占用耕地问题。",
         "坚决遏制耕地“非农化”", "1.开展耕地保护专项整治；\n2.建立田长制巡查机制。",
         "王志强", "耕地保护股", "赵军", "长期坚持", "已排查图斑126个，整改98个。", "持续整改", None, "需长期坚持"),
        ("3.落实“放管服”改革不到位，不动产登记办理时限较长。",
         "登记时限压缩至3个工作日", "1.优化登记流程；\n2.推行“一窗受理”。",
         "王志强", "不动产登记中心", "孙丽", "立行立改", "已实现一般登记3个工作日办结。", "已整改到位", dt.date(2023, 5, 15), ""),
        ("4.国土空间规划编制进度滞后。",
         "按期完成规划报批", "加快县级国土空间总体规划编制，按程序报批。",
         "刘伟", "规划股", "周涛", "2023年12月", "规划成果已通过专家论证，正在报批。", "正在推进", None, ""),
    ]),
    ("二、落实全面从严治党战略部署方面", [
        ("（一）落实主体责任方面", None),  # sub-heading row
        ("5.党组履行主体责任不够到位，研究党风廉政建设工作次数少。",
         "压实主体责任", "每半年专题研究党风廉政建设工作1次以上。",
         "张建国", "办公室", "李红", "2023年7月31日", "已专题研究2次。", "已完成", dt.date(2023, 7, 20), ""),
        ("6.对下属事业单位监管不力。",
         "健全监管机制", "1.制定下属单位监督管理办法；\n2.开展专项检查。",
         "张建国", "人事股", "陈静", "2023年9月底前", "办法已印发，专项检查已开展。", "基本完成", None, "检查报告待审定"),
        ("（二）落实“两个责任”和中央八项规定精神方面", None),
        ("7.公务用车管理不规范，存在公车私用苗头。",
         "规范公车管理", "1.修订公务用车管理制度；\n2.安装GPS定位。",
         "刘伟", "办公室", "李红", dt.date(2023, 5, 31), "制度已修订，GPS已全部安装。", "已完成", dt.date(2023, 5, 30), ""),
        ("8.违规发放津补贴。",
         "清退违规发放资金", "全面清理2020年以来津补贴发放情况，违规部分全部清退。",
         "张建国", "财务股", "吴芳", "2023.8.31", "已清退6.8万元。", "已完成", dt.date(2023, 8, 25), "清退资金6.8万元"),
        ("9.工程项目招投标监管存在漏洞。",
         "堵塞监管漏洞", "建立土地整治项目招投标全过程监管机制。",
         "王志强", "土地整治中心", "郑浩", "年底前", "正在起草监管办法。", "正在推进", None, ""),
        ("10.执纪问责偏软偏松。",
         "从严执纪", "对巡察移交问题线索逐一核查，依规依纪处理。",
         "张建国", "机关纪委", "冯敏", "2023年10月底前完成，长期坚持", "已核查线索3条，处理2人。", "长期坚持", None, ""),
    ]),
    ("三、落实新时代党的组织路线方面", [
        ("11.基层党组织建设薄弱，“三会一课”制度落实不严格。",
         "规范组织生活", "1.建立“三会一课”台账；\n2.每季度检查一次。",
         "刘伟", "机关党委", "何琳", "立行立改", "已建立台账并检查。", "已完成", dt.date(2023, 5, 10), ""),
        ("12.干部队伍结构老化，年轻干部培养不够。",
         "优化干部结构", "制定年轻干部培养计划，开展轮岗交流。",
         "张建国", "人事股", "陈静", "长期坚持", "已轮岗交流干部5名。", "持续整改", None, ""),
        ("13.干部人事档案管理不规范。",
         "档案规范完整", "开展干部人事档案专项审核。",
         "刘伟", "人事股", "陈静", "2023年6月底前", "已审核档案86卷。", "已整改到位", dt.date(2023, 6, 20), ""),
    ]),
    ("四、落实巡视巡察、审计等监督发现问题整改方面", [
        ("14.上轮巡察反馈问题整改不彻底，3个问题仍未整改到位。",
         "上轮问题全部清零", "逐项对账销号，建立回头看机制。",
         "张建国", "办公室", "李红", "2023年9月", "2个问题已完成整改，1个问题正在推进。", "正在推进", None, ""),
        ("15.审计发现的项目资金管理问题未及时整改。",
         "按审计意见整改", "对审计报告指出问题逐条整改。",
         "王志强", "财务股", "吴芳", "2023年12月31日", "已完成整改并报审计局备案。", "已完成", dt.date(2023, 11, 30), ""),
        ("16.整改工作台账不健全，责任落实不清。",
         "台账规范", "建立整改工作台账，明确责任人和时限。",
         "张建国", "办公室", "李红", "立行立改", "已建立。", "已完成", None, "销号时间未填写"),
    ]),
]


def sheet_a():
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ncol = 13
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"] = "中共青山县委第三巡察组反馈问题整改落实台账"
    ws["A1"].font = Font(name="方正小标宋简体", size=18, bold=True)
    ws["A1"].alignment = WRAP
    ws.row_dimensions[1].height = 40
    ws.merge_cells("A2:F2")
    ws["A2"] = "填报单位（盖章）：青山县自然资源局"
    ws.merge_cells("J2:M2")
    ws["J2"] = "填报时间：2023年12月5日"
    heads = ["问题类别", "序号", "问题表现", "整改目标", "整改措施", "责任领导", "责任科室",
             "责任人", "完成时限", "整改情况", None, None, "备注"]
    for c, h in enumerate(heads, 1):
        if h:
            ws.cell(3, c, h)
    for c in list(range(1, 10)) + [13]:
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells("J3:L3")
    ws["J4"], ws["K4"], ws["L4"] = "整改进展情况", "是否完成", "销号时间"
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=ncol):
        for c in row:
            c.font = Font(name="黑体", bold=True)
            c.alignment = WRAP
    r = 5
    expected = dict(findings=0, closed=0, in_progress=0, long_term=0, refused=[])
    for aspect, rows in A_ASPECTS:
        start = r
        for item in rows:
            if item[1] is None:  # （一） sub-heading across the table (columns B..M)
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=ncol)
                ws.cell(r, 2, item[0]).font = Font(name="楷体_GB2312", bold=True)
                r += 1
                continue
            title, goal, meas, lead, dept, owner, dl, prog, st, closed, note = item
            n = int(title.split(".")[0])
            vals = [None, n, title, goal, meas, lead, dept, owner, dl, prog, st, closed, note]
            for c, v in enumerate(vals, 1):
                if v is not None and v != "":
                    ws.cell(r, c, v)
            if isinstance(dl, dt.date):
                ws.cell(r, 9).number_format = "yyyy\"年\"m\"月\"d\"日\""
            if closed:
                ws.cell(r, 12).number_format = "yyyy/m/d"
            expected["findings"] += 1
            if st in CLOSED:
                if closed:
                    expected["closed"] += 1
                else:
                    expected["refused"].append(f"L{r} ({st}, no 销号时间)")
            elif st in LONG:
                expected["long_term"] += 1
            else:
                expected["in_progress"] += 1
            r += 1
        ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
        ws.cell(start, 1, aspect).alignment = WRAP
    box(ws, 3, 1, r - 1, ncol)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
    ws.cell(r, 1, "注：1.完成时限为“长期坚持”的，需持续推进并每季度报送进展；2.“是否完成”栏填写已完成、基本完成、正在推进等；"
                  "3.已完成的问题须附佐证材料。")
    ws.cell(r, 1).alignment = LEFT
    r += 2
    ws.cell(r, 1, "单位负责人签字：")
    ws.cell(r, 5, "分管领导签字：")
    ws.cell(r, 9, "填报人：李红")
    ws.cell(r, 11, "联系电话：0570-1234567")
    widths = [14, 6, 36, 14, 30, 10, 12, 8, 14, 28, 10, 12, 14]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    wb.save(HERE / "A-青山县自然资源局-整改台账.xlsx")
    return expected


# ---------------------------------------------------------------- sheet B
B_UNITS = {
    "青山县教育局": dict(
        heads=["序号", "方面", "存在问题", "整改措施", "牵头领导", "牵头股室", "具体责任人", "整改期限", "完成情况", "完成时间", "备注"],
        rows=[
            ("政治建设方面", "意识形态工作责任制落实不到位", "制定意识形态工作责任清单", "陈明", "办公室", "林小燕", "2023年6月底前", "已完成", "2023-06-15", ""),
            ("政治建设方面", "党建与业务融合不够", "开展党建+教育品牌创建", "陈明", "机关党委", "黄伟", "2023年下半年", "正在推进", "", ""),
            ("政治建设方面", "学校思政课建设薄弱", "配齐思政课专职教师", "陈明", "基础教育股", "许亮", "2023年9月", "已整改到位", "2023/9/1", ""),
            ("全面从严治党方面", "教育收费监管不严，个别学校违规收费", "开展教育收费专项检查；违规收费全部清退", "吴刚", "计财股", "曹敏", "立行立改", "已完成", "2023年5月20日", "清退1.2万元"),
            ("全面从严治党方面", "校园食堂管理存在廉政风险", "推行食堂阳光采购", "吴刚", "后勤服务中心", "彭宇", "年底前", "基本完成", "", ""),
            ("全面从严治党方面", "违规组织有偿补课问题禁而未绝", "建立有偿补课举报查处机制", "吴刚", "督导室", "蒋涛", "长期坚持", "持续整改", "", ""),
            ("组织建设方面", "中小学校长职级制改革推进缓慢", "制定校长职级制实施方案", "陈明", "人事股", "沈丽", "2023年12月底前", "未完成", "", ""),
            ("组织建设方面", "教师队伍结构性缺编", "按程序补充招聘教师", "陈明", "人事股", "沈丽", "2023年8月31日", "已完成", "2023-08-30", ""),
        ]),
    "青山县卫生健康局": dict(
        heads=["序号", "问题类别", "问题描述", "整改措施", "责任领导", "责任部门", "责任人", "完成时限", "整改进展", "整改状态", "销号日期"],
        rows=[
            ("一、党的领导方面", "医疗卫生领域党的建设不够有力", "推行公立医院党委领导下的院长负责制", "杨帆", "党建办", "韩梅", "2023年6月30日", "已制度化", "已完成", "2023-06-29"),
            ("一、党的领导方面", "“清廉医院”建设进展不平衡", "制定清廉医院建设评价标准", "杨帆", "党建办", "韩梅", "2023年10月底", "评价标准已出台", "已完成", "2023-10-25"),
            ("二、全面从严治党方面", "医保基金使用监管不严", "联合医保局开展专项检查；追回违规资金", "朱峰", "医政医管股", "秦朗", "2023年9月底前", "追回违规资金23.5万元", "已销号", "2023-09-28"),
            ("二、全面从严治党方面", "药品耗材采购不规范", "全面推行集中带量采购", "朱峰", "药政股", "尤佳", "长期坚持", "集采覆盖率92%", "长期坚持", ""),
            ("二、全面从严治党方面", "医务人员收受红包回扣问题时有发生", "签订廉洁行医承诺书；畅通举报渠道", "朱峰", "纪检组", "许诺", "立行立改", "已签订承诺书1200份", "已完成", "2023-05-18"),
            ("三、组织建设方面", "基层医疗卫生人才流失严重", "落实乡村医生待遇保障", "杨帆", "人事科", "何欢", "2023年12月", "方案已报县政府", "整改中", ""),
        ]),
    "青山县住房和城乡建设局": dict(
        heads=["序号", "方面", "问题", "整改措施", "责任领导", "责任科室", "责任人", "整改时限", "整改进展情况", "是否完成", "销号时间"],
        rows=[
            ("落实党中央决策部署方面", "老旧小区改造推进缓慢", "倒排工期，加快改造进度", "何平", "城建股", "郑凯", "2023年10月31日", "已完成改造12个小区", "已完成", "2023-10-30"),
            ("落实党中央决策部署方面", "城市燃气安全隐患排查不彻底", "开展燃气安全专项整治", "何平", "安全股", "王磊", "立行立改", "已排查隐患325处，全部整改", "已完成", "2023-05-19"),
            ("落实党中央决策部署方面", "农村危房改造质量不高", "开展危房改造质量回头看", "何平", "村镇股", "刘洋", "2023年上半年", "已复查218户", "已完成", "2023-06-30"),
            ("全面从严治党方面", "工程建设领域廉政风险防控不到位", "建立工程项目廉政风险防控清单", "曹斌", "纪检组", "许强", "2023年8月底前", "正在制定清单", "正在推进", ""),
            ("全面从严治党方面", "建筑市场监管不力，存在转包违法分包", "开展建筑市场专项执法检查", "曹斌", "建管股", "孔亮", "长期坚持", "查处违法分包案件4起", "持续整改", ""),
            ("全面从严治党方面", "住房公积金缴存管理不规范", "规范公积金缴存基数核定", "曹斌", "财务股", "钱芳", "2023年6月", "已完成核定", "√", "2023-06-21"),
            ("组织建设方面", "中层干部交流轮岗不够", "制定中层干部轮岗交流办法", "何平", "人事股", "褚红", "2023年12月底前", "办法已起草", "基本完成", ""),
        ]),
}


def sheet_b():
    wb = Workbook()
    summ = wb.active
    summ.title = "汇总"
    summ["A1"] = "青山县委第三轮巡察反馈问题整改情况汇总表"
    summ.merge_cells("A1:E1")
    summ.append(["单位", "问题总数", "已完成", "未完成", "完成率"])
    expected = {}
    for name, spec in B_UNITS.items():
        ws = wb.create_sheet(name)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec["heads"]))
        ws["A1"] = f"{name}巡察反馈问题整改台账"
        ws["A1"].font = Font(size=16, bold=True)
        ws["A2"] = f"填报单位：{name}"
        ws["H2"] = "截至2023年11月30日"
        ws.append(spec["heads"])
        e = dict(findings=0, closed=0, in_progress=0, long_term=0)
        for i, row in enumerate(spec["rows"], 1):
            ws.append([i, *row])
            st = [v for v, h in zip(row, spec["heads"][1:]) if h in ("完成情况", "整改状态", "是否完成")][0]
            e["findings"] += 1
            if st in CLOSED or st == "√":
                e["closed"] += 1
            elif st in LONG:
                e["long_term"] += 1
            else:
                e["in_progress"] += 1
        last = ws.max_row
        box(ws, 3, 1, last, len(spec["heads"]))
        ws.cell(last + 1, 1, "备注：本表由各股室填报，办公室汇总。")
        expected[name] = e
        summ.append([name, e["findings"], e["closed"], e["findings"] - e["closed"],
                     f"{e['closed'] / e['findings']:.1%}"])
    wb.save(HERE / "B-三个单位整改台账.xlsx")
    return expected


# ---------------------------------------------------------------- sheet C
C_ROWS = [
    # 序号,问题,整改措施,责任人,整改时限,完成情况,完成时间,备注
    ("1", "森林防火责任落实不到位", "签订森林防火责任书；加强护林员巡查", "林涛", "2023年6月30日", "已完成", "2023/6/28", ""),
    ("2", "林地征占用审批把关不严", "开展林地征占用项目清查", "林涛", "2023/8/31", "已完成", "2023/8/20", ""),
    ("3", "生态公益林补偿资金发放不及时", "建立补偿资金发放台账，按季度发放", "马丽", "立行立改", "已完成", "2023/5/16", "已补发资金43.2万元"),
    ("4", "古树名木保护措施不到位", "开展古树名木普查挂牌", "马丽", "2023年底前", "正在推进", "", ""),
    ("5", "松材线虫病防控工作不力", "实施松材线虫病疫木除治", "林涛", "长期坚持", "持续整改", "", ""),
    ("6", "林业执法力度不够", "开展打击毁林专项行动", "周斌", "2023年9月底前", "已整改到位", "2023-09-26", ""),
    ("7", "党组会议记录不规范", "规范会议记录", "马丽", "2023.5.31", "已完成", "2023年5月31日", ""),
    ("8", "国有林场改革不彻底", "推进国有林场管理体制改革", "周斌", "2023年12月", "基本完成", "", "待县编委批复"),
    ("9", "林权流转管理不规范", "规范林权流转合同", "周斌", "2023年10月", "未启动", "", ""),
    ("10", "干部作风不实，下乡调研少", "建立领导干部下乡调研制度", "林涛", "长期坚持", "长期坚持", "", ""),
]


def sheet_c():
    path = HERE / "C-青山县林业局-简易台账.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["序号", "问题", "整改措施", "责任人", "整改时限", "完成情况", "完成时间", "备注"])
        for row in C_ROWS:
            w.writerow(row)
    e = dict(findings=len(C_ROWS), closed=0, in_progress=0, long_term=0, open=0)
    for row in C_ROWS:
        st = row[5]
        if st in CLOSED:
            e["closed"] += 1
        elif st in LONG:
            e["long_term"] += 1
        elif st == "未启动":
            e["open"] += 1
        else:
            e["in_progress"] += 1
    return e


# ---------------------------------------------------------------- sheet D
D_HEADS = ["序号", "问题类型", "具体问题", "整改措施", "责任领导", "责任股室", "责任人", "整改时限",
           "是否延期", "延期时限", "整改进展", "完成情况", "完成时间", "问责人数", "追缴资金（元）", "建章立制（项）"]
D_ROWS = [
    ("落实惠农政策方面", "耕地地力保护补贴发放不精准", "逐户核查补贴面积，追回多发资金", "罗成", "计财股", "宋佳", "2023年6月底前", "否", "", "已追回多发补贴", "已完成", "2023-06-26", 2, "35600.00", 1),
    ("落实惠农政策方面", "农机购置补贴审核把关不严", "修订农机补贴审核办法", "罗成", "农机站", "唐明", "2023年7月31日", "否", "", "办法已修订", "已完成", "2023-07-28", 1, "12000", 1),
    ("落实惠农政策方面", "高标准农田建设项目进度滞后", "倒排工期，按月通报", "罗成", "农田建设股", "邓辉", "2023年9月30日", "是", "2023年12月31日", "已完成建设任务85%", "正在推进", "", 0, "", 0),
    ("落实惠农政策方面", "农村集体“三资”管理不规范", "开展集体资产清产核资", "韩亮", "经管站", "冯雪", "2023年10月", "是", "2024年3月底前", "已完成清产核资12个村", "正在推进", "", 3, "86250.5", 2),
    ("全面从严治党方面", "项目资金拨付审批不规范", "完善资金拨付审批流程", "韩亮", "计财股", "宋佳", "立行立改", "否", "", "已完善", "已整改到位", "2023-05-12", 0, "", 1),
    ("全面从严治党方面", "违规使用公务接待费", "清退违规接待费用，严肃问责", "韩亮", "办公室", "吕洁", "2023年5月底前", "否", "", "已清退并诫勉谈话1人", "已完成", "2023-05-29", 1, "4380.00", 0),
    ("全面从严治党方面", "下属单位“小金库”问题", "彻底清理并上缴财政", "罗成", "计财股", "宋佳", "2023年8月底前", "否", "", "已清理上缴", "已完成", "2023-08-18", 2, "152000.00", 1),
    ("全面从严治党方面", "动物防疫物资管理混乱", "建立防疫物资出入库台账", "韩亮", "畜牧站", "谢飞", "长期坚持", "否", "", "台账已建立", "持续整改", "", 0, "", 1),
    ("组织建设方面", "党支部书记抓党建述职评议走过场", "完善述职评议办法", "罗成", "机关党委", "杜娟", "2023年12月底前", "否", "", "正在修订", "正在推进", "", 0, "", 0),
    ("组织建设方面", "干部选任程序不规范", "严格执行干部选拔任用条例", "罗成", "人事股", "潘婷", "2023年6月30日", "是", "2023年9月30日", "已规范", "已完成", "2023-09-15", 1, "", 1),
    ("组织建设方面", "编外人员管理不规范", "清理规范编外用工", "韩亮", "人事股", "潘婷", "2023年11月", "否", "", "已清理编外人员6名", "基本完成", "", 0, "", 0),
]


def sheet_d():
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(D_HEADS))
    ws["A1"] = "青山县农业农村局落实县委第三巡察组反馈意见整改台账"
    ws["A2"] = "填报单位：青山县农业农村局　　　　　　填报时间：2023年12月5日"
    ws.append(D_HEADS)
    e = dict(findings=0, closed=0, in_progress=0, long_term=0, extended=0, people=0, funds=0.0, rules=0)
    for i, row in enumerate(D_ROWS, 1):
        vals = list(row)
        # money: some as numbers, some as text, like offices do
        if vals[13] and vals[13] != "86250.5":
            vals[13] = float(vals[13])
        ws.append([i, *vals])
        e["findings"] += 1
        st = row[10]
        if st in CLOSED:
            e["closed"] += 1
        elif st in LONG:
            e["long_term"] += 1
        else:
            e["in_progress"] += 1
        if row[7] == "是":
            e["extended"] += 1
        e["people"] += row[12]
        e["funds"] += float(row[13] or 0)
        e["rules"] += row[14]
    last = ws.max_row
    ws.append(["合计", "", "", "", "", "", "", "", "", "", "", "", "", e["people"], e["funds"], e["rules"]])
    box(ws, 3, 1, last + 1, len(D_HEADS))
    ws.append([])
    ws.append(["单位负责人签字：", "", "", "", "填表人：宋佳"])
    wb.save(HERE / "D-青山县农业农村局-整改台账.xlsx")
    return e


def variants():
    """The hand fixes a new user had to make before rectify would import (variants/)."""
    import csv as _csv
    from openpyxl import load_workbook
    v = HERE / "variants"
    v.mkdir(exist_ok=True)
    # A: un-merge the （一）/（二） sub-heading rows; then also fill the empty 销号时间 L22
    wb = load_workbook(HERE / "A-青山县自然资源局-整改台账.xlsx")
    ws = wb.active
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row in (9, 12) and rng.min_col == 2:
            ws.unmerge_cells(str(rng))
    wb.save(v / "A-unmerged-sub.xlsx")
    ws["L22"] = dt.date(2023, 5, 8)
    wb.save(v / "A-unmerged-sub-L22.xlsx")
    # C: add a 方面 column (import refuses rows without one)
    rows = list(_csv.reader(open(HERE / "C-青山县林业局-简易台账.csv", encoding="gbk")))
    rows[0].insert(1, "方面")
    for r in rows[1:]:
        r.insert(1, "全面从严治党方面" if int(r[0]) % 2 else "生态保护方面")
    with open(v / "C-with-aspect.csv", "w", encoding="gbk", newline="") as f:
        _csv.writer(f).writerows(rows)
    # D: add a 延期批准日期 column; then also write 2024年3月底前 as 2024年3月31日
    wb = load_workbook(HERE / "D-青山县农业农村局-整改台账.xlsx")
    ws = wb.active
    ws.insert_cols(11)
    ws.cell(3, 11, "延期批准日期")
    for r, d in ((6, dt.date(2023, 9, 20)), (7, dt.date(2023, 10, 25)), (13, dt.date(2023, 6, 25))):
        ws.cell(r, 11, d)
    wb.save(v / "D-with-approval.xlsx")
    ws.cell(7, 10, "2024年3月31日")
    wb.save(v / "D-with-approval-date.xlsx")


if __name__ == "__main__":
    out = ["# Expected figures (feedback date 2023-04-20)\n"]
    a = sheet_a()
    out.append(f"A 青山县自然资源局: {a}")
    for k, v in sheet_b().items():
        out.append(f"B {k}: {v}")
    out.append(f"C 青山县林业局: {sheet_c()}")
    out.append(f"D 青山县农业农村局: {sheet_d()}")
    out.append("""
Notes (what an office expects):
- A: 16 findings; row 22 (No.16) says 已完成 but its 销号时间 is empty -> must be reported.
  With L22 filled (variants/): 9 closed, 4 in progress, 3 long-term. Overdue as of 2023-12-05:
  3 (No.6 2023年9月底前, No.14 2023年9月, No.10 长期坚持 with 2023年10月底前). Unit = 填报单位 青山县自然资源局.
  The （一）/（二） rows are sub-headings, not findings.
- B: 21 findings, 12 closed (57.1%); overdue as of 2023-11-30: 1 (住建局 廉政风险防控清单, 8月底前).
  The 汇总 sheet is not a ledger.
- C: 10 findings, 5 closed, 2 in progress + 1 未启动 (open), 2 long-term; no 方面 column.
- D: 11 findings, 6 closed, 4 in progress, 1 long-term; 3 problems were extended (是否延期=是),
  one of them (No.10) then closed; the sheet's 合计 row: 问责10人, 追缴资金290230.50元, 建章立制8项.
""")
    text = "\n".join(out) + "\n"
    print(text)
    (HERE / "EXPECTED.md").write_text(text, encoding="utf-8")
    variants()
