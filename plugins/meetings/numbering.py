"""Decision references: every new decision is numbered in its body and year before it is
written, from a counter kept apart from the decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, PrimaryKeyConstraint, String, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from intranet.plugin_api import db

from .models import Decision, Meeting


class DecisionCounter(db.Model):
    """The last number given to a decision of a body in a year, kept apart from the decisions
    so that deleting the last one never frees its reference for another decision."""

    __tablename__ = "meetings_decision_counter"
    __table_args__ = (PrimaryKeyConstraint("body", "year"),)

    body: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


def number_decisions(session: Session, _context: Any, _instances: Any) -> None:
    """Give every new decision its reference before it is written: the next number of its
    body (the task force or a sub-group) in the year of its meeting. Whoever records a
    decision (a page, the demo data, a test) never types one."""
    new = [obj for obj in session.new if isinstance(obj, Decision) and not obj.number]
    if not new:
        return
    counters: dict[tuple[str, int], DecisionCounter] = {}
    with session.no_autoflush:
        for decision in new:
            meeting = decision.meeting or session.get(Meeting, decision.meeting_id)
            decision.body = meeting.body
            decision.year = meeting.local_start.year
            key = (decision.body, decision.year)
            counter = counters.get(key) or session.get(DecisionCounter, key)
            if counter is None:
                highest = session.scalar(
                    select(func.coalesce(func.max(Decision.number), 0)).where(
                        Decision.body == decision.body, Decision.year == decision.year
                    )
                )
                counter = DecisionCounter(
                    body=decision.body, year=decision.year, last_number=highest
                )
                session.add(counter)
            counters[key] = counter
            counter.last_number += 1
            decision.number = counter.last_number
            decision.reference = f"{decision.body}/{decision.year}/{decision.number}"


event.listen(Session, "before_flush", number_decisions)
