"""The audit log told in sentences: "Anna Berzina (secretariat) changed the chair period …".

Each plugin says how its kinds of event read (`intranet_audit_kinds`) and names the objects
it owns (`intranet_audit_targets`); both are asked once per page, never once per row. Disabled
plugins still tell their past events, without links (their pages answer 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent, User
from intranet.platform.localtime import viewer_time
from intranet.platform.plugins import disabled_plugins, results
from intranet.values import AuditKind, AuditTarget

PLACEHOLDER = re.compile(r"\{(\w+)\}")
REF = re.compile(r"^[a-z][a-z_.]*:[\w.:-]+$")
TIME_FORMAT = "%-d %b %Y %H:%M"


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: plain text, or a name linked to its page."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class Sentence:
    event: AuditEvent
    parts: list[Part]
    when: str


def humanised(kind: str) -> str:
    """A readable label for a kind nobody describes: "polls.vote_cast" -> "Polls: vote cast"."""
    head, _, rest = kind.partition(".")
    words = rest.replace(".", " ").replace("_", " ") if rest else ""
    label = f"{head.replace('_', ' ')}: {words}" if words else head.replace("_", " ")
    return label[:1].upper() + label[1:]


def audit_kinds() -> dict[str, AuditKind]:
    """Every kind the core and the plugins describe, disabled plugins included."""
    return {
        item.kind: item
        for _, answer in results("intranet_audit_kinds", include=disabled_plugins())
        for item in answer
    }


def kind_choices(recorded: list[str]) -> list[tuple[str, str]]:
    """(kind, label) pairs for the filter: the described kinds and any other recorded one."""
    kinds = audit_kinds()
    labels = {kind: item.label for kind, item in kinds.items()}
    labels.update({kind: humanised(kind) for kind in recorded if kind not in kinds})
    return sorted(labels.items(), key=lambda pair: pair[1].casefold())


def refs_of(events: list[AuditEvent]) -> set[str]:
    """The targets of `events`, and the references among their details (e.g. granted items)."""
    refs = {event.target for event in events if event.target}
    for event in events:
        for value in (event.details or {}).values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and REF.match(item):
                    refs.add(item)
    return refs


def resolve(refs: set[str]) -> dict[str, AuditTarget]:
    """Names and links for `refs`, one call per plugin; a disabled plugin's links are dropped."""
    if not refs:
        return {}
    disabled = disabled_plugins()
    resolved: dict[str, AuditTarget] = {}
    for plugin, answer in results("intranet_audit_targets", include=disabled, refs=sorted(refs)):
        for ref, target in answer.items():
            resolved[ref] = AuditTarget(target.name) if plugin in disabled else target
    return resolved | names_of_deleted(refs - set(resolved))


def names_of_deleted(refs: set[str]) -> dict[str, AuditTarget]:
    """Objects that no longer exist, by the `name` their deletion recorded (one query)."""
    if not refs:
        return {}
    found = {}
    for target, details in db.session.execute(
        select(AuditEvent.target, AuditEvent.details).where(AuditEvent.target.in_(refs))
    ):
        if (details or {}).get("name"):
            found[target] = AuditTarget(str(details["name"]))
    return found


def actor_part(actor: User | None, event: AuditEvent) -> Part:
    if actor is None:
        return Part("Someone not signed in" if event.ip else "The intranet")
    return Part(
        f"{actor.name} ({actor.role})",
        url_for("directory.member_profile", member_id=actor.id),
    )


def unresolved(ref: str, details: dict[str, Any]) -> Part:
    """A target nobody names (deleted, or its plugin is gone): its name as recorded, else what
    kind of thing it was."""
    if details.get("name"):
        return Part(str(details["name"]))
    kind, colon, _ = ref.partition(":")
    if not colon:
        return Part(ref)
    return Part(f"a {kind.rpartition('.')[2].replace('_', ' ')} no longer available")


def value_parts(value: Any, targets: dict[str, AuditTarget], details: dict[str, Any]) -> list[Part]:
    if isinstance(value, list):
        parts: list[Part] = []
        for index, item in enumerate(value):
            if index:
                parts.append(Part(", "))
            parts += value_parts(item, targets, {})
        return parts
    if isinstance(value, str) and value in targets:
        return [Part(targets[value].name, targets[value].url)]
    if isinstance(value, str) and REF.match(value):
        return [unresolved(value, details)]
    if isinstance(value, bool):
        return [Part("yes" if value else "no")]
    if isinstance(value, str):
        try:
            return [Part(date.fromisoformat(value).strftime("%-d %B %Y"))]
        except ValueError:
            pass
    return [Part("" if value is None else str(value))]


def tell(
    event: AuditEvent, kind: AuditKind | None, actor: User | None, targets: dict[str, AuditTarget]
) -> list[Part]:
    """One event as a sentence, its placeholders filled in."""
    details = event.details or {}
    if kind is None:
        template = (
            "{actor}: " + humanised(event.action).lower() + (" ({target})" * bool(event.target))
        )
    else:
        template = kind.sentence
    parts: list[Part] = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(Part(template[position : match.start()]))
        name = match.group(1)
        if name == "actor":
            parts.append(actor_part(actor, event))
        elif name == "target":
            ref = event.target or ""
            parts += value_parts(ref, targets, details) if REF.match(ref) else [Part(ref)]
        else:
            parts += value_parts(details.get(name), targets, details)
        position = match.end()
    parts.append(Part(template[position:]))
    return [part for part in parts if part.text]


def sentences(events: list[AuditEvent], actors: dict[int, User]) -> list[Sentence]:
    """`events` told in sentences, with two hook calls for the whole page."""
    kinds = audit_kinds()
    targets = resolve(refs_of(events))
    return [
        Sentence(
            event,
            tell(event, kinds.get(event.action), actors.get(event.actor_id or 0), targets),
            viewer_time(event.at, TIME_FORMAT),
        )
        for event in events
    ]
