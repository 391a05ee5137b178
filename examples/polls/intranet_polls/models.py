"""The plugin's tables; their names start with the plugin's name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intranet.plugin_api import UTCDateTime, db, utcnow


class Poll(db.Model):
    __tablename__ = "polls_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    options: Mapped[str] = mapped_column(Text)  # one choice per line
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def choices(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Vote(db.Model):
    __tablename__ = "polls_vote"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls_poll.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    choice: Mapped[str] = mapped_column(String(200))
