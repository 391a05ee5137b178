"""Who may do what with polls: the plugin's answers to the core's permission check."""

from __future__ import annotations

from sqlalchemy import select

from intranet.plugin_api import ResourceRef, User, db
from intranet_polls.models import Poll

POLL = "polls.poll"


def ref(poll: Poll) -> ResourceRef:
    return ResourceRef(POLL, poll.id)


def closable(user: User, ids: list[int]) -> dict[int, bool]:
    """Its author and the secretariat may close a poll: one query for all `ids`."""
    rows = db.session.execute(select(Poll.id, Poll.author_id).where(Poll.id.in_(ids))).all()
    return {id_: user.is_staff or author_id == user.id for id_, author_id in rows}
