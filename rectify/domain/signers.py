"""Who may act, with which key, for which units (``.rectify/people.yaml``). No I/O here.

A 销号 is trusted only when the commit that recorded it is signed by a key of the person
the event names, and that person may sign at that level for that unit. This module holds
the model of the people file and the rules that answer those questions; reading the file
and running git live in :mod:`rectify.files.signing`.

Example (the file is YAML; the keys are OpenSSH public keys, as in ``~/.ssh/id_ed25519.pub``)::

    administrators: [ban]              # may change this file
    people:
      - id: zhong                      # the name git's allowed-signers file uses
        name: 钟某                      # as written in the ledgers' by/approver
        keys: ["ssh-ed25519 AAAAC3Nza... zhong@jinhua"]
        units: [jinhua]                # ledgers this person may change
        signs:                         # sign-off level -> units ("*": every unit)
          审签: [jinhua]
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from typing import Annotated

from pydantic import AfterValidator, Field

from rectify.domain.model import UNIT_ID_RE, Action, Event, Text, _Strict
from rectify.domain.people import same_person
from rectify.i18n import _

PERSON_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
"""The OpenSSH public key types git's ssh signing accepts."""

ALL_UNITS = "*"

APPROVAL_ACTIONS = frozenset(
    {Action.CLOSE, Action.SIGN, Action.RETURN, Action.EXTEND, Action.LONG_TERM, Action.REOPEN, Action.WITHDRAW}
)
"""The steps that are approvals: each must be signed by the person it names (:func:`signer_name`)."""


def public_key(value: str) -> str:
    """Return ``value`` (an OpenSSH public key line: type, base64 blob, optional comment) as
    ``"type blob"``; raise ``ValueError`` saying what is wrong (a private key, a
    fingerprint, a broken blob)."""
    parts = value.split()
    if "PRIVATE KEY" in value:
        raise ValueError(_("this is a private key; give the public key (the .pub file's line)"))
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise ValueError(_(
            "expected an OpenSSH public key line such as 'ssh-ed25519 AAAA...', got {value!r}"
        ).format(value=value[:40]))
    try:
        blob = base64.b64decode(parts[1], validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        inner = blob[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError):
        raise ValueError(_("the key's base64 part is broken ({parts}...)").format(parts=parts[1][:16])) from None
    if inner != parts[0]:
        raise ValueError(_(
            "the key says {parts} but its data is a {value} key"
        ).format(parts=parts[0], value=inner or 'broken'))
    return f"{parts[0]} {parts[1]}"


def _unit_ids(values: list[str]) -> list[str]:
    for value in values:
        if value != ALL_UNITS and not UNIT_ID_RE.match(value):
            raise ValueError(_(
                "{value!r} is not a unit id (lowercase letters, digits, hyphens) or '*'"
            ).format(value=value))
    return values


def _keys(values: list[str]) -> list[str]:
    if not values:
        raise ValueError(_("a person needs at least one public key"))
    for value in values:
        public_key(value)
    return values


UnitList = Annotated[list[str], AfterValidator(_unit_ids)]


class Person(_Strict):
    """One person who may act: ``id`` (lowercase, the principal in git's allowed-signers
    file), ``name`` as the ledgers write it, public ``keys``, the ``units`` whose ledgers
    they may change, and ``signs``: sign-off level -> units they may sign for (``*`` = all)."""

    id: Annotated[str, Field(pattern=PERSON_ID_RE.pattern, max_length=64)]
    name: Text
    keys: Annotated[list[str], AfterValidator(_keys)]
    units: UnitList = Field(default_factory=list)
    signs: dict[str, UnitList] = Field(default_factory=dict)

    def may_change(self, unit: str) -> bool:
        """True when this person may change ``unit``'s ledger: a unit of theirs, or one
        they sign for at some level."""
        covered = {*self.units, *(u for units in self.signs.values() for u in units)}
        return unit in covered or ALL_UNITS in covered

    def may_sign(self, level: str | None, unit: str) -> bool:
        """True when this person may sign at ``level`` for ``unit`` (``level`` None: at any level)."""
        levels = self.signs.items() if level is None else [(level, self.signs.get(level, []))]
        return any(unit in units or ALL_UNITS in units for __, units in levels)


class People(_Strict):
    """The people file: ``people`` and the ``administrators`` (person ids) who may change it."""

    people: list[Person] = Field(default_factory=list)
    administrators: list[str] = Field(default_factory=list)

    def by_id(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        return next((p for p in self.people if p.id == person_id), None)

    def by_name(self, name: str) -> Person | None:
        """The person whose name is ``name`` (compared as :func:`same_person` does), or None."""
        return next((p for p in self.people if same_person(p.name, name)), None)

    def owner_of(self, key: str) -> Person | None:
        """The person holding public key ``key`` (any OpenSSH public key line), or None."""
        try:
            plain = public_key(key)
        except ValueError:
            return None
        return next((p for p in self.people if any(public_key(k) == plain for k in p.keys)), None)

    def is_admin(self, person_id: str) -> bool:
        """True when ``person_id`` may change the people file."""
        return person_id in self.administrators

    def allowed_signers(self) -> str:
        """The people's keys in git's allowed-signers format (``gpg.ssh.allowedSignersFile``,
        ssh-keygen(1) "ALLOWED SIGNERS"): one line per key, ``id namespaces="git" type blob``."""
        lines = [f'{p.id} namespaces="git" {public_key(k)}' for p in self.people for k in p.keys]
        return "\n".join(lines) + ("\n" if lines else "")


def people_problems(people: People) -> list[tuple[tuple[str | int, ...], str]]:
    """What is inconsistent in a people file that has the right shape: an id used twice,
    one name (as :func:`same_person` compares) or one key given to two people, an
    administrator who is nobody. Each is ``(path in the file, message)``, the path
    0-based as pydantic's (``("people", 2, "id")``)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    ids: set[str] = set()
    keys: dict[str, str] = {}
    for number, person in enumerate(people.people):
        if person.id in ids:
            out.append((("people", number, "id"), _("the id {id!r} is used twice").format(id=person.id)))
        ids.add(person.id)
        for other in people.people[:number]:
            if other.id != person.id and same_person(other.name, person.name):
                message = _("the name {name!r} is also {other}'s").format(name=person.name, other=other.id)
                out.append((("people", number, "name"), message))
        for index, key in enumerate(person.keys):
            plain = public_key(key)
            if plain in keys and keys[plain] != person.id:
                message = _("this key is also {other}'s").format(other=keys[plain])
                out.append((("people", number, "keys", index), message))
            keys[plain] = person.id
    for index, admin in enumerate(people.administrators):
        if admin not in ids:
            message = _("{admin!r} is not the id of anyone in people").format(admin=admin)
            out.append((("administrators", index), message))
    return out


def signer_name(event: Event) -> str | None:
    """The person who must sign the commit recording ``event``: the approver of a close, an
    extension or a withdrawal, else who took the step (``by``); None for a step that is no
    approval."""
    if event.action not in APPROVAL_ACTIONS:
        return None
    return event.approver if event.action in (Action.CLOSE, Action.EXTEND, Action.WITHDRAW) else event.by


def level_of(event: Event, chain: tuple[str, ...]) -> str | None:
    """The sign-off level an approval is given at: a ``sign``'s role, a ``close``'s the last
    level of ``chain`` (the one-step form of a one-level chain); None for the other approvals,
    which any level of the unit may give."""
    if event.action is Action.SIGN:
        return event.role
    if event.action is Action.CLOSE:
        return chain[-1] if chain else None
    return None


def approval_problem(people: People, event: Event, unit: str, chain: tuple[str, ...], signer_id: str) -> str | None:
    """What is wrong with ``event`` of ``unit``'s ledger being in a commit signed (good
    signature) by the person ``signer_id``; None when nothing is. The signer must be the
    person the event names (:func:`signer_name`) and may sign at its level for the unit."""
    named = signer_name(event) or ""
    signer = people.by_id(signer_id)
    if signer is None:
        return _("signed by {signer_id}, who is not in the people file").format(signer_id=signer_id)
    if not same_person(signer.name, named):
        return _(
            "signed by {name} ({id}), not by {named}, whom the event names"
        ).format(name=signer.name, id=signer.id, named=named)
    level = level_of(event, chain)
    if not signer.may_sign(level, unit):
        at = _("at level {level} ").format(level=level) if level else ""
        return _(
            "{name} ({id}) may not sign {at}for unit {unit}"
        ).format(name=signer.name, id=signer.id, at=at, unit=unit)
    return None
