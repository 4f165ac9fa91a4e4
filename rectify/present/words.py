"""Every word a person reads, in Chinese and English side by side: table headings, status
and step names, field names, the bulletin's headings, and short phrases.

One table per kind of word; each entry is ``key: (zh, en)``. :func:`word` looks one up
for a language and fills in its ``{placeholders}``. A new language is one more column
here; a new word is one more line. No other module holds words in two languages
(messages of errors are English in the code and are translated in one catalog by the
i18n work that builds on this module).
"""

from __future__ import annotations

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
    "with_children": ("（含下级单位）", "(with units below)"),
    "own": ("（本级）", "(own)"),
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
}
"""Column headings and labels of the terminal tables."""

STATUS: dict[str, tuple[str, str]] = {
    "open": ("未整改", "open"),
    "in_progress": ("整改中", "in_progress"),
    "submitted": ("申请销号", "submitted"),
    "closed": ("已销号", "closed"),
    "long_term": ("长期坚持", "long_term"),
}
"""The states of a finding (DOMAIN.md): the Chinese term, or the word used in YAML."""

GROUP: dict[str, tuple[str, str]] = {
    "unit": ("单位", "Unit"),
    "aspect": ("方面", "Aspect"),
    "title": ("问题", "Problem"),
    "supervisor": ("督导组", "Supervisor"),
    "department": ("责任部门", "Department"),
    "owner": ("责任人", "Owner"),
    "round": ("巡察轮次", "Round"),
}
"""What ``status --by`` groups by."""

WIDE: dict[str, tuple[str, str]] = {
    "units": ("涉及单位", "Units"),
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
    "heading": ("{title}（{as_of} {day}）", "{title} ({as_of} {day})"),
    "changes_since": ("{changes}（{since} {day}）", "{changes} ({since} {day})"),
    "item": ("- **{name}**（{state}）", "- **{name}** ({state})"),
    "overdue_suffix": ("，逾期", ", overdue"),
    "deadline_suffix": ("，整改时限 {day}", ", due {day}"),
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
    "evidence": ("佐证: {files}", "evidence: {files}"),
    "overdue_mark": ("逾期", "overdue"),
}
"""Short phrases inside tables and the finding view; ``{name}`` marks a value filled in."""


def word(table: dict[str, tuple[str, str]], key: str, lang: str, **values: object) -> str:
    """Return ``table[key]`` in ``lang`` (``zh`` or ``en``) with ``values`` filled in;
    a key the table lacks is returned as it is (a status word written by hand, say)."""
    entry = table.get(key)
    if entry is None:
        return key
    text = entry[LANGS.index(lang) if lang in LANGS else 1]
    return text.format(**values) if values else text


def column(table: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """Return one language's column of ``table`` as ``{key: word}``."""
    return {key: word(table, key, lang) for key in table}


STATUS_ZH = column(STATUS, "zh")
"""The Chinese state words (used where a sheet is always Chinese: the 整改销号表)."""
