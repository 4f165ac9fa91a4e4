"""Every word a person reads, in Chinese and English side by side: table headings, status
and step names, field names, the bulletin's headings, and short phrases.

One table per kind of word; each entry is ``key: (zh, en)``. :func:`word` looks one up
for a language and fills in its ``{placeholders}``. A new language is one more column
here; a new word is one more line. No other module holds words in two languages
(messages of errors are English in the code and are translated in one catalog by the
i18n work that builds on this module).
"""

from __future__ import annotations

from collections.abc import Sequence

from rectify.errors import UsageError
from rectify.i18n import one_of

LANGS = ("zh", "en")
"""The languages rectify speaks; the column of each in the tables below."""

TABLE: dict[str, tuple[str, str]] = {
    "unit": ("单位", "Unit"),
    "aspect": ("方面", "Aspect"),
    "findings": ("问题数", "Findings"),
    "closed": ("已销号", "Closed"),
    "in_progress": ("整改中", "In progress"),
    "long_term": ("长期坚持", "Long-term"),
    "overdue": ("逾期", "Overdue"),
    "rate": ("整改完成率", "Rate"),
    "total": ("合计", "Total"),
    "id": ("编号", "ID"),
    "status": ("状态", "Status"),
    "deadline": ("整改时限", "Deadline"),
    "title": ("问题", "Title"),
    "owner": ("责任人", "Owner"),
    "as_of": ("截至", "as of"),
    "with_children": ("（含下级单位）", " (with units below)"),
    "own": ("（本级）", " (own)"),
    "date": ("日期", "Date"),
    "name": ("名称", "Name"),
    "parent": ("上级单位", "Parent"),
    "supervisor": ("督导组", "Supervisor"),
    "group": ("巡察组", "Group"),
    "days_late": ("逾期天数", "Days late"),
    "unit_name": ("单位", "Name"),
    "feedback": ("反馈日期", "Feedback"),
    "leader": ("责任领导", "Leader"),
    "department": ("责任部门", "Department"),
    "units_count": ("单位数", "Units"),
    "units_list": ("涉及单位", "Where"),
    "frequent": ("高频问题", "High-frequency problems"),
}
"""Column headings and labels of the terminal tables."""

STATUS: dict[str, tuple[str, str]] = {
    "open": ("未整改", "open"),
    "in_progress": ("整改中", "in_progress"),
    "submitted": ("申请销号", "submitted"),
    "closed": ("已销号", "closed"),
    "long_term": ("长期坚持", "long_term"),
    "withdrawn": ("已撤销", "withdrawn"),
}
"""The states of a finding (DOMAIN.md): the Chinese term, or the word used in YAML."""

MONEY_WORDS: dict[str, tuple[str, ...]] = {"yuan": ("元",), "wan": ("万元", "万")}
"""The units funds are shown in (``--money``) and the Chinese words that also name them."""
FORMAT_WORDS: dict[str, tuple[str, ...]] = {"table": ("表格",), "plain": ("纯文本",)}
"""The Chinese words that also name an output format (``--format 表格``)."""


def money_unit(value: str) -> str:
    """The unit ``--money`` asked for (``yuan`` or ``wan``, or 元/万元); raises
    :class:`~rectify.errors.UsageError` listing them in the language in force."""
    try:
        return one_of("--money", value, MONEY_WORDS)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def output_format(value: str, formats: Sequence[str]) -> str:
    """The output format ``--format`` asked for, one of ``formats`` (English, or a word of
    :data:`FORMAT_WORDS`); raises :class:`~rectify.errors.UsageError` listing them."""
    try:
        return one_of("--format", value, {name: FORMAT_WORDS.get(name, ()) for name in formats})
    except ValueError as exc:
        raise UsageError(str(exc)) from None


GROUP: dict[str, tuple[str, str]] = {
    "unit": ("单位", "Unit"),
    "aspect": ("方面", "Aspect"),
    "title": ("问题", "Problem"),
    "supervisor": ("督导组", "Supervisor"),
    "department": ("责任部门", "Department"),
    "owner": ("责任人", "Owner"),
    "round": ("巡察轮次", "Round"),
    "problem": ("所属问题", "Problem"),
    "category": ("类别", "Category"),
}
"""What ``status --by`` groups by."""

WIDE: dict[str, tuple[str, str]] = {
    "units": ("涉及单位", "Units"),
    "extended": ("延期", "Extended"),
    "on_time": ("按期完成率", "On time"),
    "days": ("平均整改天数", "Avg days"),
    "people": ("问责人数", "People"),
    "yuan": ("清退资金（元）", "Funds (yuan)"),
    "wan": ("清退资金（万元）", "Funds (10k yuan)"),
    "rules": ("建章立制（项）", "Rules"),
    "none": ("（未填）", "(none)"),
}
"""The extra columns of ``status --wide``."""

FIELD: dict[str, tuple[str, str]] = {
    "unit": ("单位", "unit"),
    "aspect": ("方面", "aspect"),
    "status": ("状态", "status"),
    "leader": ("责任领导", "leader"),
    "department": ("责任部门", "department"),
    "owner": ("责任人", "owner"),
    "deadline": ("整改时限", "deadline"),
    "detail": ("问题描述", "detail"),
    "measures": ("整改措施", "measures"),
    "evidence": ("佐证材料", "evidence"),
    "accountability": ("三个到位", "accountability"),
    "history": ("整改过程", "history"),
    "problem": ("所属问题", "problem"),
    "category": ("类别", "category"),
    "title": ("问题", "title"),
}
"""A finding's fields as ``rectify show`` names them."""

ACTION: dict[str, tuple[str, str]] = {
    "add": ("挂账", "add"),
    "start": ("开始整改", "start"),
    "progress": ("整改进展", "progress"),
    "submit": ("申请销号", "submit"),
    "sign": ("审签", "sign"),
    "return": ("退回", "return"),
    "close": ("销号", "close"),
    "reopen": ("回炉", "reopen"),
    "extend": ("延期", "extend"),
    "long_term": ("长期坚持", "long_term"),
    "edit": ("修改", "edit"),
    "withdraw": ("撤销", "withdraw"),
    "account": ("三个到位", "account"),
}
"""The steps of a finding's history (DOMAIN.md)."""

BULLETIN: dict[str, tuple[str, str]] = {
    "title": ("巡察整改进展情况通报", "Rectification progress bulletin"),
    "as_of": ("截至", "as of"),
    "summary_heading": ("总体情况", "Summary"),
    "units": ("各单位整改进展", "Progress by unit"),
    "changes": ("本期变化", "Since the last bulletin"),
    "closed_since": ("新完成销号", "Closed"),
    "newly_overdue": ("新增逾期", "Newly overdue"),
    "overdue": ("逾期问题", "Overdue findings"),
    "trend": ("整改进度", "Progress over time"),
    "findings": ("问题清单", "Findings"),
    "none": ("无", "none"),
    "measures": ("整改措施", "Measures"),
    "state": ("整改状态", "State"),
    "deadline": ("整改时限", "Deadline"),
    "owner": ("责任人", "Owner"),
    "since": ("自", "since"),
    "days_late": ("逾期天数", "Days late"),
    "unit": ("单位", "Unit"),
    "problem": ("问题", "Problem"),
    "date": ("日期", "Date"),
    "rate": ("整改完成率", "Rate"),
    "heading": ("{title}（{as_of}{day}）", "{title} ({as_of} {day})"),
    "changes_since": ("{changes}（{since}{day}）", "{changes} ({since} {day})"),
    "item": ("- **{name}**（{state}）", "- **{name}** ({state})"),
    "levels": (
        "{aspects}个方面{problems}个问题{findings}个具体问题",
        "{aspects} aspects, {problems} problems, {findings} specific problems",
    ),
    "overdue_suffix": ("，逾期", ", overdue"),
    "deadline_suffix": ("，整改时限{day}", ", due {day}"),
    "legend_closed": ("已销号", "closed"),
    "legend_progress": ("整改中（含长期坚持）", "in progress or long-term"),
    "legend_overdue": ("逾期", "overdue"),
    "html_lang": ("zh-CN", "en"),
    "issue": ("第{number}期", "No. {number}"),
    "issued": ("{year}年{month}月{day}日", "{year}-{month:02d}-{day:02d}"),
    "rank": ("排名", "Rank"),
    "id": ("编号", "ID"),
    "more_overdue": ("另有{number}个逾期问题未列出。", "{number} more overdue findings not listed here."),
    "changes_line": (
        "本期（{since}以来）新完成销号{closed}个，新增逾期{late}个。",
        "Since {since}: {closed} closed, {late} newly overdue.",
    ),
    "people_kind": ("{kind}{number}人", "{kind} {number}"),
    "people_sep": ("、", ", "),
    "people_kinds": ("（{kinds}）", " ({kinds})"),
    "people": ("人员责任追究{total}人{kinds}", "{total} people held accountable{kinds}"),
    "summary": (
        "共反馈问题{findings}个，已完成整改{closed}个，正在整改{in_progress}个，需长期坚持{long_term}个，"
        "逾期{overdue}个，整改完成率{rate}；{people}，清退资金{funds}万元，建章立制{rules}项。",
        "{findings} findings: {closed} closed, {in_progress} in progress, {long_term} long-term, "
        "{overdue} overdue; completion rate {rate}. {people}, funds recovered {funds} (10k yuan), "
        "{rules} rules made or revised.",
    ),
}
"""Headings of the progress bulletin (巡察整改进展情况通报)."""

PHRASE: dict[str, tuple[str, str]] = {
    "due_today": ("今天到期", "due today"),
    "due_in": ("还有{days}天", "due in {days} d"),
    "late_by": ("逾期{days}天", "{days} d late"),
    "extended": ("（延期，原时限 {original}）", " (extended; original {original})"),
    "by": ("{name}", "by {name}"),
    "approved_by": ("审批 {name}", "approved by {name}"),
    "to": ("至 {day}", "to {day}"),
    "evidence": ("佐证：{files}", "evidence: {files}"),
    "marked": ("{text}（{mark}）", "{text} ({mark})"),
    "titled": ("{title}（{as_of} {day}）", "{title} ({as_of} {day})"),
    "overdue_mark": ("逾期", "overdue"),
    "changed": ("{field}：{old} → {new}", "{field}: {old} -> {new}"),
    "into": ("合并至 {id}", "merged into {id}"),
    "counters": (
        "人员 {people}；资金 {funds} 元；制度 {rules} 项",
        "people: {people}; funds: {funds} 元; rules: {rules}",
    ),
    "frequent_units": ("{count} 个问题，{units} 个单位", "{count} findings in {units} units"),
}
"""Short phrases inside tables and the finding view; ``{name}`` marks a value filled in."""

REFUSALS: dict[str, tuple[str, str]] = {
    "refused": ("推送被拒绝", "push refused"),
    "accepted": ("推送已接受", "push accepted"),
    "commit": ("提交 {commit}：", "commit {commit}: "),
    "unsigned": ("修改了台账 {ledger}，但提交未签名", "changes ledger {ledger} but is not signed"),
    "unknown_key": (
        "修改了台账 {ledger}，但签名密钥不在人员名单中（{fingerprint}）",
        "changes ledger {ledger} but is signed by a key not in the people file ({fingerprint})",
    ),
    "not_your_ledger": (
        "{person} 无权修改单位 {unit} 的台账 {ledger}",
        "{person} may not change unit {unit}'s ledger {ledger}",
    ),
    "rewritten": (
        "改写或删除了 {finding} 已有的记录（{ledger}）",
        "rewrites or removes recorded events of {finding} ({ledger})",
    ),
    "not_own_commit": (
        "{finding} 的审批没有单独提交（{ledger}）",
        "the approval of {finding} is not in a commit of its own ({ledger})",
    ),
    "approval_unsigned": (
        "{finding} 的审批未经审批人签名（{ledger}）",
        "the approval of {finding} is not signed by its approver ({ledger})",
    ),
    "approval_signer": (
        "{finding} 的审批签名不符：{why}",
        "the approval of {finding} is not signed by its approver: {why}",
    ),
    "people_broken": ("人员名单有误：{problem}", "the people file is broken: {problem}"),
    "people_not_admin": (
        "修改人员名单须由管理员签名（签名人：{signer}）",
        "changes the people file without an administrator's signature (signed by: {signer})",
    ),
    "no_people": (
        "仓库中没有人员名单 .rectify/people.yaml，无法核验台账修改",
        "no .rectify/people.yaml: ledger changes cannot be checked",
    ),
    "check": ("推送后的台账未通过检查：{problem}", "the pushed ledgers fail check: {problem}"),
}
"""The server's (pre-receive hook's) reasons to refuse a push; shown in both languages,
since the server does not know the pusher's."""

SYNC: dict[str, tuple[str, str]] = {
    "came_in": ("收到 {count} 个提交：", "came in ({count} commits):"),
    "went_out": ("推送 {count} 个提交：", "went out ({count} commits):"),
    "nothing_in": ("没有收到新的提交", "nothing came in"),
    "nothing_out": ("没有要推送的提交", "nothing to push"),
    "removed": (
        "已删除远端带来相同内容的未提交文件：{files}",
        "removed uncommitted files the incoming commits bring unchanged: {files}",
    ),
}
"""What ``rectify sync`` says it did."""
IMPORT: dict[str, tuple[str, str]] = {
    "encoding": ("按 {encoding} 编码读取 {file}", "read {file} as {encoding}"),
    "one_sheet": (
        "读取工作表 {sheet!r}（共 {count} 个：{names}）；可用 --sheet 指定，或不带 --unit 按单位逐表导入",
        "reading sheet {sheet!r} of {count} ({names}); choose one with --sheet, or leave out --unit to import "
        "every sheet as a unit",
    ),
    "sheets": ("读取工作表：{names}", "sheets read: {names}"),
    "skipped": ("未读取：{names}", "left aside: {names}"),
    "hidden": ("{name}（隐藏）", "{name} (hidden)"),
    "no_header": ("{name}（前 30 行没有含“问题”的表头行）", "{name} (no header row with 问题 in its first 30 rows)"),
    "sheet_option": ("{name}（未用 --sheet 指定）", "{name} (not the --sheet asked for)"),
    "words": ("状态用语：{pairs}", "status words: {pairs}"),
    "pair": ("{word}→{state}（{count}条）", "{word} -> {state} ({count})"),
    "not_closed": (
        "{words}不算已销号：问题经审签销号才算完成整改；如需按已销号导入，请在 rectify.yaml 的 sheets: status_words "
        "中设定，并提供销号日期和审签人",
        "{words} not closed: a finding is closed only when its 销号 is signed off; to import a word as closed, "
        "map it in rectify.yaml (sheets: status_words) and give the 销号日期 and 审签人",
    ),
    "long_by_deadline": (
        "按整改时限列为长期坚持（不论状态用语）：{cells}",
        "long_term by the 整改时限, whatever the status word: {cells}",
    ),
    "deadline_cell": ("{cell} {deadline}（{word}）", "{cell} {deadline!r} ({word})"),
    "closed_by_option": (
        "--closed-on {day} 用作未填销号日期的已销号问题（{count}条）的销号日期：{cells}",
        "--closed-on {day} is the 销号日期 of the closed rows that give none ({count}): {cells}",
    ),
    "counters_open": (
        "尚未销号问题的三个到位数（问责 {people} 人，资金 {funds} 元，建章立制 {rules} 项）记为 account 事件，"
        "与整改进展同日，自该日起计入 status 和通报",
        "the 三个到位 counters of problems not yet closed ({people} people, {funds} yuan, {rules} rules) are "
        "recorded as account events dated like their 整改进展, and count in status and reports from that day",
    ),
    "unworded": ("无状态用语的行：{pairs}", "rows with no status word: {pairs}"),
    "closed_by_date": ("有销号日期→已销号（{count}条）", "a 销号日期 -> closed ({count})"),
    "left_open": ("未启动（{count}条）", "open ({count})"),
    "reported": (
        "{sheet}!{cell}：{label} {day}；整改进展和备注按该日记载（在此前已销号的问题按其销号日期）",
        "{sheet}!{cell}: {label} {day}; 整改进展 and 备注 are dated that day "
        "(a problem closed before it: its 销号日期)",
    ),
    "reported_option": (
        "{sheet}：表头上方没有填报时间；整改进展和备注按 --reported-on {day} 记载（在此前已销号的问题按其销号日期）",
        "{sheet}: no 填报时间 above the header; 整改进展 and 备注 are dated {day}, as --reported-on says (a problem "
        "closed before it: its 销号日期)",
    ),
    "unreported": (
        "{sheet}：表头上方没有填报时间；整改进展和备注按 {days} 记载，即问题挂账之日（{why}）；"
        "另有日期请用 --reported-on",
        "{sheet}: no 填报时间 above the header; 整改进展 and 备注 are dated {days}, the day the findings are put on "
        "the ledger ({why}); give --reported-on DATE for another day",
    ),
    "why_feedback": ("单位的反馈日期", "the unit's feedback date"),
    "why_date": ("--date", "--date"),
    "created": ("新建单位 {unit}（{name}）", "created unit {unit} ({name})"),
    "would_create": ("将新建单位 {unit}（{name}）", "would create unit {unit} ({name})"),
    "imported": ("已向 {unit} 导入 {findings}：{ids}", "imported {findings} into {unit}: {ids}"),
    "dry_run": (
        "试运行：将向 {units}导入 {findings}；未写入任何文件",
        "dry run: {findings} would be added to {units}; nothing was written",
    ),
    "adds": ("本次导入", "this import adds"),
    "new": ("新增问题", "New"),
    "open": ("未启动", "Open"),
    "submitted": ("申请销号", "Submitted"),
    "extended": ("延期", "Extended"),
    "after": ("导入后", "after import"),
    "progress": ("导入", "importing"),
}
"""Lines ``rectify import`` prints."""


BOARD: dict[str, tuple[str, str]] = {
    "title": ("挂图作战", "Rectification board"),
    "board": ("总览", "Board"),
    "late": ("逾期与临期", "Overdue and due soon"),
    "problems": ("高频问题", "Frequent problems"),
    "search": ("搜索", "Search"),
    "search_hint": ("搜索标题、描述、措施、责任人、意见", "Search titles, details, measures, owners, opinions"),
    "as_of": ("截至日期", "As of"),
    "since": ("变化起始日", "Changes since"),
    "supervisor": ("督导组", "Supervision group"),
    "parent": ("上级单位（含下级）", "Parent unit (with units below)"),
    "aspect": ("方面", "Aspect"),
    "all": ("全部", "all"),
    "apply": ("查看", "Show"),
    "totals": ("总体情况", "Totals"),
    "ranking": ("各单位整改完成率排名", "Units ranked by completion rate"),
    "rank": ("排名", "Rank"),
    "progress": ("进度", "Progress"),
    "trend": ("整改进度趋势", "Progress over time"),
    "changes": ("{since}以来的变化", "Changes since {since}"),
    "closed_since": ("新完成销号 {count} 个", "{count} closed"),
    "newly_overdue": ("新增逾期 {count} 个", "{count} newly overdue"),
    "downloads": ("下载", "Downloads"),
    "workbook": ("整改销号表（xlsx）", "Workbook (xlsx)"),
    "csv": ("台账（CSV）", "Ledger (CSV)"),
    "bulletin": ("通报（HTML）", "Bulletin (HTML)"),
    "bulletin_md": ("通报（Markdown）", "Bulletin (Markdown)"),
    "aspects": ("各方面整改情况", "By aspect"),
    "findings": ("问题清单", "Findings"),
    "days_late": ("逾期天数", "Days late"),
    "days_left": ("剩余天数", "Days left"),
    "overdue_list": ("逾期问题", "Overdue"),
    "due_soon": ("{days}天内到期", "Due within {days} days"),
    "within": ("临期天数", "Due within (days)"),
    "timeline": ("整改过程", "Timeline"),
    "by": ("经办人", "By"),
    "approver": ("审批人", "Approver"),
    "role": ("审签层级", "Level"),
    "opinion": ("意见", "Opinion"),
    "new_deadline": ("新时限", "New deadline"),
    "digest": ("登记的 SHA-256", "Recorded SHA-256"),
    "matches": ("文件核对", "File check"),
    "match_yes": ("一致", "matches"),
    "match_no": ("已改变", "changed"),
    "match_missing": ("文件缺失", "missing"),
    "match_unknown": ("未登记摘要", "no digest recorded"),
    "match_not_file": ("不是普通文件", "not a plain file"),
    "git_log": ("版本记录（git）", "Versions (git)"),
    "not_in_git": ("不在 git 中或尚无提交", "not in git, or no commit yet"),
    "commit": ("提交", "Commit"),
    "author": ("作者", "Author"),
    "message": ("说明", "Message"),
    "deadline_original": ("原定时限", "Original deadline"),
    "deadline_in_force": ("现行时限", "Deadline in force"),
    "id": ("编号", "ID"),
    "none": ("无", "none"),
    "results": ("找到 {count} 个问题", "{count} findings found"),
    "broken": ("台账有问题，修正后刷新本页", "The ledgers have problems; fix them and reload"),
    "broken_hint": (
        "以下问题与 rectify check 报告的相同；看板仍在运行。",
        "These are the problems rectify check reports; the board keeps running.",
    ),
    "not_found": ("找不到", "Not found"),
    "bad_request": ("请求有误", "Bad request"),
    "units_count": ("单位数", "Units"),
    "legend_done": ("已销号", "closed"),
    "legend_doing": ("整改中（含长期坚持）", "in progress or long-term"),
    "legend_late": ("逾期", "overdue"),
    "lang_other": ("English", "中文"),
    "read_only": ("只读视图：看板不改动任何台账。", "Read-only: the board changes no ledger."),
    "occurs_in": ("涉及单位", "Units"),
    "detail": ("问题描述", "Detail"),
    "measures": ("整改措施", "Measures"),
    "accountability": ("三个到位", "Accountability"),
    "people": ("问责人数", "People"),
    "funds": ("清退资金（元）", "Funds (yuan)"),
    "rules": ("建章立制（项）", "Rules"),
    "leader": ("责任领导", "Leader"),
    "department": ("责任部门", "Department"),
    "file_ledger": ("整改台账", "ledger"),
    "file_bulletin": ("整改通报", "bulletin"),
    "below": ("完成率低于（%）", "Rate below (%)"),
    "below_mark": ("低于 {below}%", "below {below}%"),
    "last_return": ("最近一次退回意见", "Last return opinion"),
    "returned_on": ("{date} 退回", "Returned on {date}"),
    "returned_by": ("退回人：{who}", "by {who}"),
    "unit_overdue": ("本单位逾期问题", "This unit's overdue findings"),
    "unfinished": ("未完成问题", "Not yet closed"),
    "unfinished_hint": (
        "截至 {date} 尚未销号的问题（含长期坚持），按现行时限排列。",
        "Findings not closed on {date} (long-term ones included), by deadline in force.",
    ),
    "matched": ("匹配内容", "Matched in"),
    "opinion_of": ("{date} {action}意见", "{action} note of {date}"),
    "results_capped": ("（仅列出前 {shown} 个）", "(only the first {shown} are listed)"),
    "bad_lang": (
        "不支持这种语言，请选择 zh（中文）或 en（英文）。",
        "Unknown language: choose zh (Chinese) or en (English).",
    ),
    "bad_as_of": (
        "截至日期不是有效日期，应写作 年-月-日，如 2021-12-31。",
        "The as-of date is not a real date; write it as year-month-day, e.g. 2021-12-31.",
    ),
    "bad_since": (
        "变化起始日不是有效日期，应写作 年-月-日，如 2021-12-31。",
        "The changes-since date is not a real date; write it as year-month-day, e.g. 2021-12-31.",
    ),
    "since_after": ("变化起始日应早于截至日期。", "The changes-since date must be before the as-of date."),
    "bad_below": (
        "完成率门槛应为 0 到 100 之间的数，最多两位小数。",
        "The rate threshold must be a number from 0 to 100, with at most two decimals.",
    ),
    "bad_supervisor": ("台账中没有这个督导组。", "No ledger has this supervision group."),
    "bad_parent": ("台账中没有这个单位。", "No ledger has this unit."),
    "bad_aspect": ("台账中没有这个方面。", "No finding has this aspect."),
    "bad_within": ("临期天数应为 0 到 3650 之间的整数。", "The days must be a whole number from 0 to 3650."),
    "repeated": ("参数 {name} 只能给一次。", "{name} may be given only once."),
    "no_unit": ("没有这个单位。", "There is no such unit."),
    "no_finding": ("没有这个问题。", "There is no such finding."),
    "evidence_not_file": (
        "登记的佐证材料现在不是普通文件（而是文件夹、设备或管道），无法打开。",
        "The recorded evidence is no longer a plain file (a folder, device or pipe is there); it cannot be opened.",
    ),
    "evidence_changed": (
        "此文件与台账登记的佐证材料（sha256）不一致，不予打开：它在登记后被改动，或从未作为佐证材料提交。",
        "This file is not the evidence the ledger recorded (its sha256 differs): it changed after it was recorded, "
        "or was never submitted as evidence; it is not served.",
    ),
}
"""The web board's headings, labels and phrases (``rectify board``)."""


def word(table: dict[str, tuple[str, str]], key: str, lang: str, **values: object) -> str:
    """Return ``table[key]`` in ``lang`` (``zh`` or ``en``) with ``values`` filled in;
    a key the table lacks is returned as it is (a status word written by hand, say)."""
    entry = table.get(key)
    if entry is None:
        return key
    text = entry[LANGS.index(lang) if lang in LANGS else 1]
    return text.format(**values) if values else text


def opinion_text(note: str, action: str) -> str:
    """Return a step's ``note`` as shown after a label that already names the step
    (``2021-08-18 退回``): a leading word of ``action`` (a key of :data:`ACTION`) in either
    language, followed by a colon (``退回：``, ``return:``), is left out, so the label and
    the note do not say 退回 twice. The note is stored unchanged; a note that is only the
    word is shown whole."""
    text = note.lstrip()
    for said in ACTION.get(action, ()):
        if text[: len(said)].casefold() == said.casefold() and text[len(said): len(said) + 1] in ("：", ":"):
            rest = text[len(said) + 1:].lstrip()
            return rest or note
    return note


COUNTED: dict[str, tuple[str, str, str]] = {
    "finding": ("{count} 个问题", "{count} finding", "{count} findings"),
    "unit": ("{count} 个单位", "{count} unit", "{count} units"),
}
"""Things counted in a sentence: Chinese, English singular, English plural."""


def counted(noun: str, count: int, lang: str) -> str:
    """Return ``count`` of ``noun`` (a key of :data:`COUNTED`) in ``lang``: ``1 finding``,
    ``3 findings``, ``3 个问题``."""
    zh, one, many = COUNTED[noun]
    return (zh if lang == "zh" else one if count == 1 else many).format(count=count)


def column(table: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """Return one language's column of ``table`` as ``{key: word}``."""
    return {key: word(table, key, lang) for key in table}


STATUS_ZH = column(STATUS, "zh")
"""The Chinese state words (used where a sheet is always Chinese: the 整改销号表)."""
