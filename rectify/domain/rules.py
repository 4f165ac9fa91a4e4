"""The ``rectify check`` rules: one plain function each, in lists (STYLE.md, pattern 4).

A rule takes what it checks and returns :class:`~rectify.errors.Problem` records; it
never raises (:func:`run_rules` turns a crash into a Problem) and never reads a file or
the clock: a :class:`Subject` hands it the ledger, its positions, the settings in force,
today's date and the evidence files' digests. A new rule is one function here, added to
one of the lists at the end of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

from rectify.domain.counts import UnitLike
from rectify.domain.model import Action, Evidence, Ledger, Status, unit_of
from rectify.domain.signoff import event_problems
from rectify.domain.states import Track, state_name, step
from rectify.domain.steps import added_before_feedback, feedback_after_today, unit_name_key
from rectify.errors import Problem, WorkflowError
from rectify.i18n import _, listed


class Subject(Protocol):
    """One ledger file as the rules see it (implemented by
    :class:`rectify.files.ledgerfile.Loaded`)."""

    @property
    def name(self) -> str:
        """The file as the user sees it (``ledgers/jinhua.yaml``)."""

    @property
    def ledger(self) -> Ledger:
        """The ledger as read (in part, for a file with schema errors)."""

    @property
    def stem(self) -> str:
        """The file name without ``.yaml``."""

    @property
    def chain(self) -> tuple[str, ...]:
        """The approval chain in force (rectify.yaml)."""

    @property
    def categories(self) -> list[str] | None:
        """The allowed categories (rectify.yaml), None for any."""

    @property
    def chain_since(self) -> date | None:
        """The day the approval chain took effect (None: always)."""

    @property
    def today(self) -> date:
        """Today in the ledgers' time zone."""

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """A Problem at the value at ``path`` of the model."""

    def at(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The 1-based (line, col) of the value at ``path`` of the model."""

    def evidence_digest(self, path: str) -> str | None:
        """The sha256 of evidence file ``path`` (relative to the repository); None when
        it is missing or not a regular file. Raises ValueError, its text saying why, when
        the path is not one inside the repository that reads the same on every machine."""

    def has_unit(self, unit_id: str) -> bool:
        """True when a ledger of unit ``unit_id`` lies beside this one."""


class FolderSubject(Protocol):
    """What the rules across files see of one ledger (a :class:`Subject` has it, and so
    has the little :class:`rectify.files.ledgerfile.Kept` a read over many units keeps)."""

    @property
    def name(self) -> str:
        """The file as the user sees it (``ledgers/jinhua.yaml``)."""

    @property
    def unit(self) -> UnitLike:
        """The ledger's unit."""

    @property
    def finding_ids(self) -> Sequence[str]:
        """The ids of its findings, in the order of ``ledger.findings``."""

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """A Problem at the value at ``path`` of the model."""

    def at(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The 1-based (line, col) of the value at ``path`` of the model."""


FileRule = Callable[[Subject], list[Problem]]
FolderRule = Callable[[Sequence[FolderSubject]], list[Problem]]


def run_rules(rules: list[FileRule], subject: Subject) -> list[Problem]:
    """Run each per-file rule on ``subject``; a rule that crashes becomes a Problem, not a
    traceback (STYLE.md, pattern 4)."""
    out: list[Problem] = []
    for rule in rules:
        out.extend(_safe(rule, subject, rule.__name__))
    return out


def run_folder_rules(subjects: Sequence[FolderSubject]) -> list[Problem]:
    """Run :data:`FOLDER_RULES` across ``subjects`` (every ledger of a folder)."""
    return [problem for rule in FOLDER_RULES for problem in _safe(rule, subjects, rule.__name__)]


def _safe(rule: Callable[[Any], list[Problem]], arg: Any, name: str) -> list[Problem]:
    try:
        return rule(arg)
    except Exception as exc:  # noqa: BLE001 - by design: report, do not crash
        where = arg.name if hasattr(arg, "name") else "ledgers"
        return [Problem(where, 1, 1, _("internal error in check rule {name}: {error!r}").format(name=name, error=exc))]


def rule_stem_is_unit_id(loaded: Subject) -> list[Problem]:
    """The file's name (stem) must be its unit's id: ``jinhua.yaml`` holds unit ``jinhua``."""
    stem, unit_id = loaded.stem, loaded.ledger.unit.id
    if stem == unit_id:
        return []
    line, col = loaded.at(("unit", "id"))
    message = _(
        "the file is named {stem!r} but holds unit {unit_id!r}; rename the file to {unit_id}.yaml or fix "
        "the id"
    ).format(stem=stem, unit_id=unit_id)
    return [Problem(loaded.name, line, col, message)]


def rule_finding_ids(loaded: Subject) -> list[Problem]:
    """Each finding id starts with the unit's id and appears once in the file."""
    problems = []
    first: dict[str, int] = {}
    unit_id = loaded.ledger.unit.id
    for index, finding in enumerate(loaded.ledger.findings):
        path = ("findings", index, "id")
        if unit_of(finding.id) != unit_id:
            message = _(
                "{id!r} does not belong to unit {unit_id!r} (expected {unit_id}-NNN)"
            ).format(id=finding.id, unit_id=unit_id)
            problems.append(loaded.problem(path, message))
        if finding.id in first:  # positions are looked up only for a problem
            line, __ = loaded.at(("findings", first[finding.id], "id"))
            message = _("duplicate finding id {id!r} (also at line {line})").format(id=finding.id, line=line)
            problems.append(loaded.problem(path, message))
        else:
            first[finding.id] = index
    return problems


def rule_history(loaded: Subject) -> list[Problem]:
    """Events are in date order, each step is allowed by the state diagram and by the
    approval chain recorded with its submission, each meets every sign-off rule a command
    applies (:func:`rectify.domain.signoff.event_problems`: named people, a second
    person's check, no event after today, extensions that move the deadline later), and
    the stored status is the one the events lead to (DOMAIN.md, "States of a finding"); a
    finding marked closed whose signatures do not cover its chain is reported as such."""
    problems = []
    since = loaded.chain_since
    today, chain_in_force = loaded.today, loaded.chain  # looked up once, not per event
    for index, finding in enumerate(loaded.ledger.findings):
        if not finding.history:
            if finding.status is not Status.OPEN:
                message = _(
                    "status is {value} but the finding has no history; record its steps"
                ).format(value=finding.status.value)
                problems.append(loaded.problem(("findings", index, "status"), message))
            continue
        previous = None
        track = Track()
        deadline = finding.deadline
        for number, event in enumerate(finding.history):
            day = event.date
            if previous is not None and day < previous:
                message = _(
                    "event dated {date} comes after one dated {previous}; events must be in date order"
                ).format(date=day, previous=previous)
                problems.append(loaded.problem(("findings", index, "history", number), message))
            previous = day
            # a step is held to the chain in force when it was taken
            chain = chain_in_force if since is not None and day >= since else None
            for message in event_problems(track, finding, event, deadline, today, chain):
                problems.append(loaded.problem(("findings", index, "history", number), message))
            if event.action is Action.EXTEND and event.to is not None:
                deadline = event.to
            try:
                track = step(track, event, submit_chain=chain_in_force)
            except WorkflowError as exc:
                problems.append(loaded.problem(("findings", index, "history", number), str(exc)))
                break
        else:
            if track.status is not finding.status:
                leads = state_name(track.status) if track.status else _("no state")
                message = _(
                    "status is {value} but its history leads to {leads}"
                ).format(value=state_name(finding.status), leads=leads)
                if finding.status is Status.CLOSED and track.status is Status.SUBMITTED:
                    missing = listed(track.chain[len(track.signed) :])
                    message = _(
                        "closed without the approval chain's signatures (missing: {missing})"
                    ).format(missing=missing)
                problems.append(loaded.problem(("findings", index, "status"), message))
    return problems


def rule_feedback_dates(loaded: Subject) -> list[Problem]:
    """The unit's feedback date (反馈日期) is not after today, and no finding was put on the
    ledger (its ``add`` event) before it: the rules of ``unit add`` and ``add``
    (:func:`rectify.domain.steps.feedback_after_today`,
    :func:`rectify.domain.steps.added_before_feedback`), at the date's place."""
    feedback = loaded.ledger.inspection.feedback_date
    if feedback is None:
        return []
    problems = []
    late = feedback_after_today(feedback, loaded.today)
    if late is not None:
        problems.append(loaded.problem(("inspection", "feedback_date"), late))
    for index, finding in enumerate(loaded.ledger.findings):
        for number, event in enumerate(finding.history):
            early = added_before_feedback(event.date, feedback) if event.action is Action.ADD else None
            if early is not None:
                problems.append(loaded.problem(("findings", index, "history", number, "date"), early))
    return problems


def rule_evidence(loaded: Subject) -> list[Problem]:
    """Every evidence file lies inside the repository and exists, and its sha256 is the
    one last recorded for it (the finding's ``evidence`` list), so a file changed after it
    was submitted shows (全程可溯). Events keep the digest of what was submitted then; a
    file submitted again after a return legitimately differs from the older event."""
    problems = []
    digests: dict[str, str | None] = {}
    for index, finding in enumerate(loaded.ledger.findings):
        places: list[tuple[tuple[str | int, ...], Evidence, bool]] = [
            (("findings", index, "evidence", n), item, True) for n, item in enumerate(finding.evidence)
        ]
        for number, event in enumerate(finding.history):
            places += [
                (("findings", index, "history", number, "evidence", n), item, False)
                for n, item in enumerate(event.evidence)
            ]
        for path, item, latest in places:
            if item.path not in digests:
                try:
                    digests[item.path] = loaded.evidence_digest(item.path)
                except ValueError as why:
                    message = _("evidence path {path} {why}").format(path=item.path, why=why)
                    problems.append(loaded.problem(path, message))
                    continue
            actual = digests[item.path]
            if item.sha256 is None:
                problems.append(loaded.problem(path, _(
                    "evidence file {path} has no sha256 recorded"
                ).format(path=item.path)))
            if actual is None:
                problems.append(loaded.problem(path, _("evidence file {path} is missing").format(path=item.path)))
            elif latest and item.sha256 is not None and actual != item.sha256:
                problems.append(
                    loaded.problem(
                        path,
                        _(
                            "evidence file {path} has changed since it was recorded (sha256 {actual}…, "
                            "recorded {sha256}…)"
                        ).format(path=item.path, actual=actual[:12], sha256=item.sha256[:12]),
                    )
                )
    return problems


def rule_categories(loaded: Subject) -> list[Problem]:
    """A finding's ``category`` is one of rectify.yaml's ``categories`` when that list is given."""
    allowed = loaded.categories
    if allowed is None:
        return []
    known = "、".join(allowed)
    return [
        loaded.problem(("findings", index, "category"), _(
            "{category!r} is not one of the categories: {known}"
        ).format(category=finding.category, known=known))
        for index, finding in enumerate(loaded.ledger.findings)
        if finding.category is not None and finding.category not in allowed
    ]


def rule_unique_ids_across_files(ledgers: Sequence[FolderSubject]) -> list[Problem]:
    """A finding id appears in one ledger only (ids are unique across all ledgers).

    Equal ids have the same prefix (``jinhua`` of ``jinhua-007``), so only the ledgers
    holding ids of one prefix are compared, a prefix at a time: the ids of a province
    are never all in memory at once."""
    holders: dict[str, list[int]] = {}
    for number, loaded in enumerate(ledgers):
        for prefix in {finding_id.rpartition("-")[0] for finding_id in loaded.finding_ids}:
            holders.setdefault(prefix, []).append(number)
    problems = []
    for prefix, numbers in holders.items():
        if len(numbers) < 2:
            continue
        seen: dict[str, tuple[FolderSubject, int]] = {}
        for number in numbers:
            loaded = ledgers[number]
            for index, finding_id in enumerate(loaded.finding_ids):
                if finding_id.rpartition("-")[0] != prefix:
                    continue
                other, at = seen.setdefault(finding_id, (loaded, index))
                if other is not loaded:  # positions are looked up only for a problem
                    line, col = loaded.at(("findings", index, "id"))
                    other_line, __ = other.at(("findings", at, "id"))
                    message = _(
                        "duplicate finding id {id!r}: also in {name}:{other_line}"
                    ).format(id=finding_id, name=other.name, other_line=other_line)
                    problems.append(Problem(loaded.name, line, col, message, finding_id))
    return problems


def rule_unit_names_across_files(ledgers: Sequence[FolderSubject]) -> list[Problem]:
    """Each unit's name (unit.name) names one unit: two ledgers whose units' names read
    the same to a person (:func:`rectify.domain.people.name_key`: NFKC, white space and
    invisible characters ignored) are both reported at their ``unit.name``, each naming
    the other (``unit add`` refuses such a name: :func:`rectify.domain.steps.unit_named`)."""
    holders: dict[str, list[FolderSubject]] = {}
    for loaded in ledgers:
        holders.setdefault(unit_name_key(loaded.unit.name), []).append(loaded)
    problems = []
    for same in holders.values():
        for loaded in same if len(same) > 1 else []:
            other = same[1] if loaded is same[0] else same[0]  # one problem a file, however many share the name
            other_line, __ = other.at(("unit", "name"))
            problems.append(loaded.problem(("unit", "name"), _(
                "unit name {name!r} is also the name of unit {unit} in {file}:{line}"
            ).format(name=loaded.unit.name, unit=other.unit.id, file=other.name, line=other_line)))
    return problems


class Neighbour(Protocol):
    """What :func:`parent_problems` needs of a ledger read (a :class:`Subject`, or what
    a read of the cache's records keeps)."""

    def has_unit(self, unit_id: str) -> bool:
        """True when the ledger of ``unit_id`` lies beside this one."""

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """A Problem at the value at ``path`` of the model."""


def rule_parent_exists(loaded: Subject) -> list[Problem]:
    """A unit's parent names a unit that has a ledger in the same folder (one stat, no read)."""
    return parent_problems(loaded, loaded.ledger.unit.parent)


def run_neighbour_rules(subject: Neighbour, parent: str | None) -> list[Problem]:
    """:data:`NEIGHBOUR_RULES` on a ledger known by its records (the cache's), its unit's
    ``parent`` given: the same problems :func:`run_rules` finds on the ledger itself."""
    return _safe(lambda found: parent_problems(found, parent), subject, rule_parent_exists.__name__)


def parent_problems(loaded: Neighbour, parent: str | None) -> list[Problem]:
    """:func:`rule_parent_exists` of a ledger whose unit's parent is ``parent``."""
    if parent is None or loaded.has_unit(parent):
        return []
    return [loaded.problem(("unit", "parent"), _(
        "unknown unit {parent!r} (no ledger {parent}.yaml)"
    ).format(parent=parent))]


def rule_parent_cycles(ledgers: Sequence[FolderSubject]) -> list[Problem]:
    """Parents never form a cycle (a unit is not its own ancestor)."""
    units = {loaded.unit.id: loaded for loaded in ledgers}
    problems = []
    for loaded in ledgers:
        chain = [loaded.unit.id]
        current = loaded.unit.parent
        while current is not None and current in units:
            if current in chain:
                cycle = " -> ".join([*chain, current])
                problems.append(loaded.problem(("unit", "parent"), _(
                    "parents form a cycle: {cycle}"
                ).format(cycle=cycle)))
                break
            chain.append(current)
            current = units[current].unit.parent
    return problems


CONTENT_RULES: list[FileRule] = [
    rule_stem_is_unit_id, rule_finding_ids, rule_history, rule_feedback_dates, rule_categories
]
"""Rules that look only at the file (its name and bytes, the settings, today's date)."""

NEIGHBOUR_RULES: list[FileRule] = [rule_parent_exists]
"""Rules that look beside the file (the parent unit's ledger)."""

FILE_RULES: list[FileRule] = [*CONTENT_RULES, *NEIGHBOUR_RULES]
"""Rules run on every ledger read."""

AUDIT_RULES: list[FileRule] = [rule_evidence]
"""Rules only ``rectify check`` runs: they look beyond the ledger (evidence files), so a
missing attachment does not stop the daily commands."""

FOLDER_RULES: list[FolderRule] = [rule_unique_ids_across_files, rule_unit_names_across_files, rule_parent_cycles]
"""Rules run across all ledgers by ``rectify check`` and the commands that read them all."""
