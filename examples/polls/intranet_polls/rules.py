"""Who may do what with polls: the plugin's answers to the core's permission check."""

from __future__ import annotations

from intranet.plugin_api import ResourceRef, User, db
from intranet_polls.models import Poll

POLL = "polls.poll"


def ref(poll: Poll) -> ResourceRef:
    return ResourceRef(POLL, poll.id)


def may_close(user: User, resource: ResourceRef | None) -> bool | None:
    """Its author and the secretariat may close a poll; abstain on everything else."""
    if resource is None or resource.kind != POLL:
        return None
    poll = db.session.get(Poll, resource.id)
    if poll is None:
        return False
    return user.id == poll.author_id or user.is_staff
