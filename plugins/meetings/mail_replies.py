"""A reply by mail to an action item's notification becomes a progress note on the item.

Who may change the item's status in the browser (its owner, a member of its delegation, the
secretariat) may add a note. The text is kept as written: "done" is not read as a status.
"""

from __future__ import annotations

from intranet.plugin_api import MailAttachment, MailReplyResult, User, db, refuse_reply_text

from . import notices
from .models import ActionItem
from .notes import MAX_LENGTH, add_note
from .rules import may_view
from .services import owns

KIND = "meetings.action_item"


def post_by_mail(
    target: str, user: User, text: str, attachments: list[MailAttachment] = ()
) -> MailReplyResult | None:
    kind, _, number = target.partition(":")
    if kind != KIND:
        return None
    item = db.session.get(ActionItem, int(number)) if number.isdigit() else None
    if item is None or not may_view(user, item.meeting):
        return MailReplyResult(refusal="The action item you answered no longer exists.")
    if not (user.is_staff or owns(user, item)):
        return MailReplyResult(
            refusal=f"Only the owners of “{item.title}” and the secretariat can report on it."
        )
    body = text.strip()
    refusal = refuse_reply_text(body, MAX_LENGTH)
    if refusal is not None:
        return refusal
    if attachments:
        return MailReplyResult(
            refusal="Notes on an action item cannot carry files; add them to the meeting's "
            "documents instead."
        )
    notices.action_noted(item, add_note(item.id, user, body), user)
    return MailReplyResult(url=notices.actions_path(item))
