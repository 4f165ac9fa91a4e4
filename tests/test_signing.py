"""Signed approvals: the people file, steps signed with ssh-keygen keys, `check --verify`
on a history holding each kind of forgery. Real git, real keys, never the machine's git
configuration (GIT_CONFIG_GLOBAL and HOME point into tmp_path)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("ssh-keygen") is None, reason="git and ssh-keygen are needed"
)

PEOPLE = {
    "wang": ("王某", "units: [demo]"),
    "zhong": ("钟某", "signs: {审签: [demo]}"),
    "li": ("李某", "units: [other]"),
    "ban": ("班某", "signs: {督导组: ['*']}"),
}

LEDGER_HEAD = """\
unit:
  id: demo
  name: 示例单位
inspection:
  feedback_date: 2021-07-28
last_number: 7
findings:
"""


def _finding(number: int) -> str:
    return f"""\
  - id: demo-{number:03d}
    aspect: 政治建设方面
    title: 问题{number}
    owner: 张某
    deadline: 2021-10-31
    status: open
    history:
      - date: 2021-07-28
        action: add
"""


def git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr + result.stdout)
    return result.stdout + result.stderr


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An SSH key pair for each of the four people (no passphrase), and a git that reads no
    configuration of this machine."""
    home = tmp_path / "home"
    home.mkdir()
    for key, value in {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "王某",
        "GIT_AUTHOR_EMAIL": "wang@example.org",
        "GIT_COMMITTER_NAME": "王某",
        "GIT_COMMITTER_EMAIL": "wang@example.org",
    }.items():
        monkeypatch.setenv(key, value)
    made = {}
    for person in PEOPLE:
        path = tmp_path / "keys" / person
        path.parent.mkdir(exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f", str(path)], check=True)
        made[person] = path
    return made


def people_yaml(keys: dict[str, Path]) -> str:
    lines = ["administrators: [ban]", "people:"]
    for person, (name, rights) in PEOPLE.items():
        public = Path(f"{keys[person]}.pub").read_text(encoding="utf-8").strip()
        lines += [f"  - id: {person}", f"    name: {name}", f'    keys: ["{public}"]', f"    {rights}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Path]) -> Path:
    """tmp_path as a repository with the people file and ledgers/demo.yaml (seven open
    findings), committed."""
    (tmp_path / ".rectify").mkdir()
    (tmp_path / ".rectify" / "people.yaml").write_text(people_yaml(keys), encoding="utf-8")
    (tmp_path / "ledgers").mkdir()
    (tmp_path / "ledgers" / "demo.yaml").write_text(
        LEDGER_HEAD + "".join(_finding(n) for n in range(1, 8)), encoding="utf-8"
    )
    git(tmp_path, "init", "-q", "-b", "main")
    _commit_as(tmp_path, keys["ban"], "start")  # the people file comes signed by its administrator
    return tmp_path


def _commit_as(repo: Path, key: Path | None, message: str) -> None:
    signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-S"] if key else ["commit"]
    git(repo, "add", "-A")
    git(repo, *signing, "-qm", message)


def _event_line(text: str, finding: str, action: str, nth: int = 0) -> int:
    """The line of the ``nth`` event of ``action`` of ``finding`` (its ``- date:`` line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {finding}")
    seen = 0
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith("- id:"):
            break
        if lines[i].strip() == f"action: {action}":
            if seen == nth:
                return i  # the line before (1-based: i) holds "- date:"
            seen += 1
    raise AssertionError(f"no {action} in {finding}")


def _problems(run: Run) -> list[tuple[int, str]]:
    return _lines(run("check", "--verify").stdout)


def _lines(stdout: str) -> list[tuple[int, str]]:
    out = []
    for line in stdout.splitlines():
        match = re.match(r"^ledgers/demo\.yaml:(\d+):\d+: (.*)$", line)
        assert match, line
        out.append((int(match.group(1)), match.group(2)))
    return out


def test_people_file_gives_git_its_allowed_signers(repo: Path, keys: dict[str, Path]) -> None:
    from rectify.files.signing import load_people

    people = load_people(repo)
    assert people is not None
    lines = people.allowed_signers().splitlines()
    assert [line.split()[0] for line in lines] == ["wang", "zhong", "li", "ban"]
    assert lines[1].endswith(" ".join(Path(f"{keys['zhong']}.pub").read_text().split()[:2]))
    zhong, li = people.by_name("钟 某"), people.by_id("li")
    assert zhong is not None and zhong.may_sign("审签", "demo") and not zhong.may_sign("审签", "other")
    assert li is not None and li.may_change("other") and not li.may_change("demo")
    assert people.is_admin("ban") and not people.is_admin("zhong")


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (("administrators: [ban]", "administrators: [nobody]"), 1, "administrators[1]: 'nobody' is not the id of anyone in people"),
        (("  - id: li", "  - id: wang"), 11, "people[3].id: the id 'wang' is used twice"),
        (("name: 班某", "name: 钟 某"), 16, "people[4].name: the name '钟 某' is also zhong's"),
        (("    units: [demo]", "    units: [Demo]"), 6, "'Demo' is not a unit id"),
        (("    name: 钟某", "    nmae: 钟某"), 8, "nmae"),
        (('keys: ["ssh-ed25519 AAAA', 'keys: ["ssh-ed25519 BAAA'), 5, "people[1].keys: the key's base64 part is broken"),
        (('keys: ["ssh-ed25519 AAAA', 'keys: ["ssh-rsa AAAA'), 5, "the key says ssh-rsa but its data is a ssh-ed25519 key"),
    ],
)
def test_a_broken_people_file_is_reported_at_its_line(
    run: Run, repo: Path, change: tuple[str, str], where: int, message: str
) -> None:
    path = repo / ".rectify" / "people.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    result = run("check", "--verify")
    assert result.exit_code != 0
    assert f".rectify/people.yaml:{where}:" in result.stderr, result.stderr
    assert message in result.stderr


def test_a_close_signed_by_its_approver_verifies(
    run: Run, repo: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    done = run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-09-01",
               "--commit", "--key", str(keys["zhong"]))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Good \"git\" signature" not in git(repo, "log", "-1")  # signed, verified below by git itself
    result = run("check", "--verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "ok: 1 ledger, 7 findings" in result.stderr
    signers = repo / "signers"
    public = Path(str(keys["zhong"]) + ".pub").read_text(encoding="utf-8")
    signers.write_text(f"zhong {public}", encoding="utf-8")
    out = git(repo, "-c", f"gpg.ssh.allowedSignersFile={signers}", "verify-commit", "HEAD")
    assert 'Good "git" signature for zhong' in out
    assert (repo / ".git" / "rectify-signatures.json").is_file()  # the verdict is kept...
    people = repo / ".rectify" / "people.yaml"
    zhong_key = " ".join(public.split()[:2])
    other = tmp_path / "keys" / "new"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    new_key = " ".join(Path(f"{other}.pub").read_text(encoding="utf-8").split()[:2])
    people.write_text(people.read_text(encoding="utf-8").replace(zhong_key, new_key), encoding="utf-8")
    again = run("check", "--verify")  # ...but only for the people file it was made with
    assert again.exit_code == 1
    assert "is signed by a key not in .rectify/people.yaml (SHA256:" in again.stdout


def test_a_step_with_someone_elses_key_or_no_key_is_refused_before_writing(
    run: Run, repo: Path, keys: dict[str, Path]
) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    before = ledger.read_bytes()
    wrong = run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--commit", "--key", str(keys["li"]))
    assert wrong.exit_code == 2
    assert "the signing key is 李某's, but this step names 钟某, who must sign it" in wrong.stderr
    (repo / "rectify.yaml").write_text("git:\n  require_signatures: true\n", encoding="utf-8")
    unsigned = run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--commit")
    assert unsigned.exit_code == 2
    assert "rectify.yaml requires signed steps" in unsigned.stderr
    assert ledger.read_bytes() == before
    assert git(repo, "log", "--format=%s").splitlines() == ["start"]


def test_check_verify_reports_each_forgery_at_its_line(run: Run, repo: Path, keys: dict[str, Path]) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    evidence = repo / "evidence.txt"
    evidence.write_text("会议纪要\n", encoding="utf-8")
    git(repo, "add", "evidence.txt")
    git(repo, "commit", "-qm", "evidence")

    def step(*args: str, key: str | None = None, commit: bool = True) -> None:
        extra = (["--commit"] if commit else []) + (["--key", str(keys[key])] if key else [])
        result = run(*args, "--date", "2021-09-01", *extra)
        assert result.exit_code == 0, result.output

    close = ("--by", "王某", "--approver", "钟某")
    # 001: the good one, then its note rewritten later (signed by the approver, still a rewrite)
    step("close", "demo-001", *close, "--note", "已整改", key="zhong")
    # 002: unsigned
    step("close", "demo-002", *close)
    # 003: signed with another person's key, committed by hand
    step("close", "demo-003", *close, commit=False)
    _commit_as(repo, keys["ban"], "close demo-003")
    # 004: approved and signed by 李某, who may not sign for demo
    step("close", "demo-004", "--by", "王某", "--approver", "李某", key="li")
    # 005: two events in one commit
    step("start", "demo-005", "--by", "王某", commit=False)
    step("close", "demo-005", *close, commit=False)
    _commit_as(repo, keys["zhong"], "start and close demo-005")
    # 006: submitted with evidence, then the file and both digests replaced without a submit
    step("submit", "demo-006", "--by", "王某", "-e", "evidence.txt", key="wang")
    # 007: closed in the work tree, never committed
    text = ledger.read_text(encoding="utf-8").replace("note: 已整改", "note: 已整改到位")
    old = hashlib.sha256(evidence.read_bytes()).hexdigest()
    evidence.write_text("另一份纪要\n", encoding="utf-8")
    ledger.write_text(text.replace(old, hashlib.sha256(evidence.read_bytes()).hexdigest()), encoding="utf-8")
    _commit_as(repo, keys["zhong"], "tidy")
    step("close", "demo-007", *close, commit=False)

    text = ledger.read_text(encoding="utf-8")
    shas = dict(line.split(" ", 1)[::-1] for line in git(repo, "log", "--format=%H %s").splitlines())
    found = _problems(run)
    assert _problems(run) == found  # the second run takes the kept verdicts

    def at(finding: str, action: str) -> int:
        return _event_line(text, finding, action)

    evidence_line = next(i for i, line in enumerate(text.splitlines(), 1) if line == "    evidence:")
    tidy = f'commit {shas["tidy"][:7]} "tidy"'
    rewrites = [
        (at("demo-001", "close"), f"demo-001.history[2]: {tidy}: history event 2 (close of 2021-09-01) was changed; the history is append-only"),
        (at("demo-006", "submit"), f"demo-006.history[2]: {tidy}: history event 2 (submit of 2021-09-01) was changed; the history is append-only"),
    ]  # fmt: skip
    assert found == sorted(
        [
            (at("demo-001", "close"), f"demo-001.history[2]: event rewritten in commit {shas['tidy'][:10]}: it replaced an earlier event (never rewrite events)"),
            (at("demo-002", "close"), f"demo-002.history[2]: commit {shas['close demo-002: 审签 钟某'][:10]} is not signed (the approval needs 钟某's signature)"),
            (at("demo-003", "close"), f"demo-003.history[2]: commit {shas['close demo-003'][:10]}: signed by 班某 (ban), not by 钟某, whom the event names"),
            (at("demo-004", "close"), f"demo-004.history[2]: commit {shas['close demo-004: 审签 李某'][:10]}: 李某 (li) may not sign at level 审签 for unit demo"),
            (at("demo-005", "close"), f"demo-005.history[3]: commit {shas['start and close demo-005'][:10]} adds 2 events; an approval needs its own commit"),
            (at("demo-006", "submit"), f"demo-006.history[2]: evidence digest changed in commit {shas['tidy'][:10]}: it replaced an earlier event (never rewrite events)"),
            (evidence_line + 1, f"demo-006.evidence: evidence digest changed in commit {shas['tidy'][:10]} without a submit"),
            (at("demo-007", "close"), "demo-007.history[2]: this approval is in no commit (written after the last one?)"),
            *rewrites,
        ]
    )  # fmt: skip
    plain = run("check")  # plain check sees the rewrites in the history, not the signatures
    assert plain.exit_code == 1
    assert sorted(_lines(plain.stdout)) == sorted(rewrites)


# ---------------------------------------------------------------- the server's hook


def _ledger(unit: str, findings: int = 2) -> str:
    head = LEDGER_HEAD.replace("id: demo", f"id: {unit}").replace("last_number: 7", f"last_number: {findings}")
    head = head if unit == "demo" else head.replace("name: 示例单位", f"name: 示例单位（{unit}）")  # a name names one unit
    return head + "".join(_finding(n).replace("demo-", f"{unit}-") for n in range(1, findings + 1))


def _push(clone: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", "-q", "origin", "HEAD:main"], cwd=clone, capture_output=True, text=True)


@pytest.fixture
def server(tmp_path: Path, keys: dict[str, Path], run: Run) -> Path:
    """A bare repository with rectify's hook, holding the people file and two units'
    ledgers (demo and other), pushed by the administrator 班某 with a signed commit."""
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    installed = run("hook", "install", "--bare", str(bare))
    assert installed.exit_code == 0, installed.output
    city = tmp_path / "city"
    git(tmp_path, "clone", "-q", str(bare), str(city))
    (city / ".rectify").mkdir()
    (city / ".rectify" / "people.yaml").write_text(people_yaml(keys), encoding="utf-8")
    (city / "ledgers").mkdir()
    for unit in ("demo", "other"):
        (city / "ledgers" / f"{unit}.yaml").write_text(_ledger(unit), encoding="utf-8")
    _commit_as(city, keys["ban"], "people and ledgers")
    founded = _push(city)
    assert founded.returncode == 0, founded.stderr
    return bare


def test_the_hook_accepts_rightful_pushes_and_refuses_each_forgery(
    run: Run, tmp_path: Path, server: Path, keys: dict[str, Path]
) -> None:
    office = tmp_path / "office"
    git(tmp_path, "clone", "-q", str(server), str(office))
    ledgers = ["--ledgers", str(office / "ledgers")]

    def step(*args: str) -> None:
        result = run(*ledgers, *args, "--date", "2021-09-01")
        assert result.exit_code == 0, result.output

    def refused(*reasons: str) -> None:
        pushed = _push(office)
        assert pushed.returncode != 0
        assert "推送被拒绝 / push refused" in pushed.stderr
        for reason in reasons:
            assert reason in pushed.stderr, pushed.stderr
        git(office, "reset", "-q", "--hard", "origin/main")

    step("start", "demo-001", "--by", "王某", "--commit", "--key", str(keys["wang"]))
    assert _push(office).returncode == 0
    git(office, "fetch", "-q")

    step("start", "other-001", "--by", "王某", "--commit", "--key", str(keys["wang"]))
    sha = git(office, "rev-parse", "HEAD")[:10]
    refused(f"提交 {sha}：王某 无权修改单位 other 的台账 ledgers/other.yaml",
            f"commit {sha}: 王某 may not change unit other's ledger ledgers/other.yaml")  # fmt: skip

    step("close", "demo-001", "--by", "王某", "--approver", "钟某", "--commit")
    refused("changes ledger ledgers/demo.yaml but is not signed",
            "the approval of demo-001 is not signed by its approver (ledgers/demo.yaml)")  # fmt: skip

    step("close", "demo-001", "--by", "王某", "--approver", "钟某")
    _commit_as(office, keys["wang"], "close demo-001 in 钟某's name")
    refused("the approval of demo-001 is not signed by its approver: signed by 王某 (wang), not by 钟某")

    people = office / ".rectify" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("units: [demo]", "units: ['*']"), encoding="utf-8")
    _commit_as(office, keys["wang"], "wang everywhere")
    refused("修改人员名单须由管理员签名（签名人：wang）",
            "changes the people file without an administrator's signature (signed by: wang)")  # fmt: skip

    ledger = office / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    assert text.count("status: open") == 1  # demo-002; demo-001 is in progress
    ledger.write_text(text.replace("status: open", "status: closed"), encoding="utf-8")
    _commit_as(office, keys["wang"], "closed by hand")
    refused("推送后的台账未通过检查：ledgers/demo.yaml:25:13: demo-002.status: status is closed but its history leads to open")

    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text.replace("by: 王某", "by: 张某", 1), encoding="utf-8")  # demo-001's start
    _commit_as(office, keys["wang"], "who started it")
    refused("改写或删除了 demo-001 已有的记录（ledgers/demo.yaml）",
            "rewrites or removes recorded events of demo-001 (ledgers/demo.yaml)")  # fmt: skip

    step("close", "demo-001", "--by", "王某", "--approver", "钟某", "--commit", "--key", str(keys["zhong"]))
    accepted = _push(office)
    assert accepted.returncode == 0, accepted.stderr
    assert git(server, "log", "-1", "--format=%s", "main").strip() == "close demo-001: 审签 钟某"


# ---------------------------------------------------------------- rectify sync


def test_sync_between_two_offices_and_the_city_keeps_every_finding(
    run: Run, tmp_path: Path, server: Path, keys: dict[str, Path]
) -> None:
    demo, other, city = (tmp_path / name for name in ("demo-office", "other-office", "city-office"))
    for clone in (demo, other, city):
        git(tmp_path, "clone", "-q", str(server), str(clone))

    def r(clone: Path, *args: str, code: int = 0) -> str:
        result = run("--ledgers", str(clone / "ledgers"), *args)
        assert result.exit_code == code, result.output
        return result.stdout + result.stderr

    r(demo, "init", "--git")
    git(demo, "add", "ledgers")
    git(demo, "commit", "-qm", "merge driver")
    assert r(demo, "add", "-u", "demo", "-a", "作风建设方面", "-t", "新问题", "--date", "2021-09-01",
             "--commit", "--key", str(keys["wang"])).strip() == "demo-003"  # fmt: skip
    r(other, "init", "--git")  # before its first pull: the trap
    r(other, "progress", "other-001", "--by", "李某", "--note", "推进", "--date", "2021-09-02",
      "--commit", "--key", str(keys["li"]))  # fmt: skip

    assert r(demo, "sync") == "nothing came in\nwent out (2 commits):\n  merge driver\n  add demo-003: 新问题\n"
    assert "untracked working tree files would be overwritten" in git(other, "pull", "-q", "--no-rebase", check=False)
    assert r(other, "sync") == (
        "removed uncommitted files the incoming commits bring unchanged: ledgers/.gitattributes, ledgers/.gitignore\n"
        "came in (2 commits):\n  merge driver\n  add demo-003: 新问题\n"
        "went out (2 commits):\n  progress other-001: 李某\n  Merge remote-tracking branch 'refs/remotes/origin/main'\n"
    )
    came = r(city, "sync", "--lang", "zh")
    assert came.startswith("收到 4 个提交：\n") and came.endswith("没有要推送的提交\n")
    assert "title: 新问题" in (city / "ledgers" / "demo.yaml").read_text(encoding="utf-8")
    assert "note: 推进" in (city / "ledgers" / "other.yaml").read_text(encoding="utf-8")
    assert run("--ledgers", str(city / "ledgers"), "check").exit_code == 0

    for clone, title, key in ((demo, "标题甲", "wang"), (city, "标题乙", "ban")):
        ledger = clone / "ledgers" / "demo.yaml"
        ledger.write_text(ledger.read_text(encoding="utf-8").replace("title: 问题1", f"title: {title}"), encoding="utf-8")
        _commit_as(clone, keys[key], f"retitle demo-001 {title}")
    r(demo, "sync")
    tip, head = git(server, "rev-parse", "main"), git(city, "rev-parse", "HEAD")
    stopped = r(city, "sync", code=1)
    assert "conflict in ledgers/demo.yaml: demo-001" in stopped
    assert "the merge was undone and nothing was pushed" in stopped
    assert git(server, "rev-parse", "main") == tip and git(city, "rev-parse", "HEAD") == head
    assert git(city, "status", "--porcelain", "--untracked-files=no") == ""


def test_conflict_findings_names_the_finding_a_marker_falls_in() -> None:
    from rectify.files.gitsync import conflict_findings

    text = """findings:
  - id: demo-001
    title: 问题1
<<<<<<< ours
  - id: demo-002
    title: 甲
=======
  - id: demo-002
    title: 乙
>>>>>>> theirs
  - id: demo-003
    title: 问题3
    owner: 张某
<<<<<<< ours
    deadline: 2021-10-31
=======
    deadline: 2021-11-30
>>>>>>> theirs
"""
    assert conflict_findings(text) == ["demo-002", "demo-003"]


def test_check_verify_reports_a_people_file_change_not_signed_by_an_administrator(
    run: Run, repo: Path, keys: dict[str, Path]
) -> None:
    people = repo / ".rectify" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("units: [other]", "units: [other, demo]"), encoding="utf-8")
    _commit_as(repo, keys["ban"], "li helps demo")
    assert run("check", "--verify").exit_code == 0
    people.write_text(people.read_text(encoding="utf-8").replace("units: [demo]", "units: ['*']"), encoding="utf-8")
    _commit_as(repo, keys["wang"], "wang everywhere")
    sha = git(repo, "rev-parse", "HEAD")[:10]
    result = run("check", "--verify")
    assert result.exit_code == 1
    assert result.stdout == (
        f".rectify/people.yaml:1:1: commit {sha} changed the people file, signed by wang; "
        "only an administrator may change it\n"
    )


def test_a_merge_that_unites_one_findings_events_must_be_signed_by_someone_allowed(
    run: Run, tmp_path: Path, server: Path, keys: dict[str, Path]
) -> None:
    demo, city = tmp_path / "demo-office", tmp_path / "city-office"
    for clone in (demo, city):
        git(tmp_path, "clone", "-q", str(server), str(clone))

    def r(clone: Path, *args: str, code: int = 0) -> str:
        result = run("--ledgers", str(clone / "ledgers"), *args)
        assert result.exit_code == code, result.output
        return result.stdout + result.stderr

    for clone, who, key in ((demo, "王某", "wang"), (city, "班某", "ban")):
        r(clone, "progress", "demo-001", "--by", who, "--note", f"{who}的进展", "--date", "2021-09-01",
          "--commit", "--key", str(keys[key]))  # fmt: skip
    r(demo, "sync")
    head = git(city, "rev-parse", "HEAD")
    refused = r(city, "sync", code=1)
    assert "the server refused the push; nothing was pushed; the merge was undone" in refused
    assert "changes ledger ledgers/demo.yaml but is not signed" in refused
    assert git(city, "rev-parse", "HEAD") == head
    assert r(city, "sync", "--key", str(keys["ban"])).endswith("went out (2 commits):\n  progress demo-001: 班某\n  Merge remote-tracking branch 'refs/remotes/origin/main'\n")
    merged = (city / "ledgers" / "demo.yaml").read_text(encoding="utf-8")
    assert "note: 王某的进展" in merged and "note: 班某的进展" in merged
