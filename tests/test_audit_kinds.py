"""Every kind of audit event the core and the bundled plugins record reads as a sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from intranet.administration.audit_sentences import PLACEHOLDER, audit_kinds, tell
from intranet.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
# Functions that pass their argument at this position on to the audit log as its kind.
RECORDERS = {"record": 0, "record_audit": 0, "refuse": 0, "delete_and_return": 1}
KIND_LIKE = re.compile(r"[a-z_]+(\\\.|\\w\+|[a-z_])*")


def kind_patterns(node: ast.expr) -> list[str]:
    """The kinds a call records, as regular expressions (an f-string's fields match a word)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.JoinedStr):
        return [
            "".join(
                re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+"
                for part in node.values
            )
        ]
    if isinstance(node, ast.IfExp):
        return kind_patterns(node.body) + kind_patterns(node.orelse)
    return []


def recorded_kinds() -> dict[str, str]:
    """Every literal kind passed to the audit log in the core and the bundled plugins."""
    found = {}
    for folder in ("intranet", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                position = RECORDERS.get(name or "")
                if position is None or len(node.args) <= position:
                    continue
                for pattern in kind_patterns(node.args[position]):
                    if KIND_LIKE.fullmatch(pattern):
                        found[pattern] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_scan_finds_the_kinds_it_must_guard():
    kinds = recorded_kinds()
    assert {r"login", r"meetings\.minutes_approved", r"partners\.invitation\.revoked"} <= set(kinds)
    assert r"plugin\.\w+d" in kinds  # f-strings are matched by pattern


def test_every_recorded_kind_has_a_sentence(app):
    with app.test_request_context():
        described = set(audit_kinds())
    missing = {
        pattern: where
        for pattern, where in recorded_kinds().items()
        if not any(re.fullmatch(pattern, kind) for kind in described)
    }
    assert missing == {}, "add these kinds to the plugin's intranet_audit_kinds"


@pytest.mark.parametrize("with_details", [True, False])
def test_every_sentence_reads_as_plain_words(app, admin, with_details):
    with app.test_request_context():
        kinds = audit_kinds()
        for kind in kinds.values():
            names = set(PLACEHOLDER.findall(kind.sentence)) - {"actor", "target"}
            details = {name: "words" for name in names} if with_details else {}
            event = AuditEvent(
                action=kind.kind, target=f"user:{admin.id}", details=details, ip="192.0.2.1"
            )
            text = "".join(part.text for part in tell(event, kind, admin, {}))
            assert text[:1].isupper(), kind
            assert "{" not in text and kind.kind not in text, kind
            assert kind.label and kind.label[:1].isupper() and "." not in kind.label, kind
