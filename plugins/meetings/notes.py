"""Progress notes on action items: what an owner (or the secretariat) reports on the way,
for now written by answering an action item's notification mail. A note never changes the
item's status: "done" in a mail is a note, the status is set on the page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.plugin_api import User, UTCDateTime, db, utcnow

MAX_LENGTH = 5000


class ActionNote(db.Model):
    __tablename__ = "meetings_action_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_action_item.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


def add_note(item_id: int, author: User, body: str) -> ActionNote:
    """Keep a note on the item (committed); the caller tells the others (notices)."""
    note = ActionNote(action_item_id=item_id, author_id=author.id, body=body.strip())
    db.session.add(note)
    db.session.commit()
    return note
