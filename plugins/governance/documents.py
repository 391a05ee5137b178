"""Living documents (objectives, methods of work): revisions, proposals and their diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select

from intranet.plugin_api import User, db, utcnow

from .models import Proposal, Revision

DOCUMENTS = {"objectives": "Objectives", "methods": "Methods of work"}


def latest_revision(document: str) -> Revision | None:
    return db.session.scalars(
        select(Revision)
        .where(Revision.document == document)
        .order_by(Revision.number.desc())
        .limit(1)
    ).first()


def add_revision(document: str, body: str, reason: str, author: User | None) -> Revision:
    number = (
        db.session.scalar(select(func.max(Revision.number)).where(Revision.document == document))
        or 0
    ) + 1
    revision = Revision(
        document=document, number=number, body=body.strip(), reason=reason.strip(), author=author
    )
    db.session.add(revision)
    return revision


def accept(proposal: Proposal, decider: User, comment: str) -> Revision:
    revision = add_revision(proposal.document, proposal.body, proposal.reason, proposal.proposer)
    decide(proposal, decider, comment, "accepted")
    proposal.revision = revision
    return revision


def decide(proposal: Proposal, decider: User, comment: str, status: str) -> None:
    proposal.status = status
    proposal.decided_by = decider
    proposal.decided_at = utcnow()
    proposal.decision_comment = comment.strip()


@dataclass(frozen=True)
class DiffLine:
    """One row of a side-by-side diff; `change` is "equal", "delete", "insert" or "replace"."""

    change: str
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A line-by-line comparison of two texts, for an escaped HTML table in the template."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for change, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            rows.append(
                DiffLine(
                    change,
                    i + 1 if i < i2 else None,
                    old_lines[i] if i < i2 else "",
                    j + 1 if j < j2 else None,
                    new_lines[j] if j < j2 else "",
                )
            )
    return rows


def unified_diff(old: Revision, new: Revision) -> str:
    return "\n".join(
        difflib.unified_diff(
            old.body.splitlines(),
            new.body.splitlines(),
            fromfile=f"revision {old.number}",
            tofile=f"revision {new.number}",
            lineterm="",
        )
    )
