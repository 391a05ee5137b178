"""Who hears about what: notifications after each governance change, and the daily reminders.

Every function here runs after the change is committed and never tells the actor about their
own action. The daily job remembers each one-off reminder in `governance_notice`, so a second
run (another day, another host) never repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intranet.plugin_api import (
    Banner,
    NotifyResult,
    User,
    cached_figures,
    db,
    notify,
    watch_tables,
)

from . import chairmanship, documents, settings
from .models import (
    ChairPeriod,
    MandatePeriod,
    Notice,
    Proposal,
    Report,
    Revision,
    chairperson_table,
)

MEMBERS_AND_SECRETARIAT = ("member", "secretariat")
# The chair's banners are the same for everyone on a given day, and shown on every page: they
# are kept in each worker until a chair period, its chairpersons, their names or a country's
# name change (the stamp), or the day does (the key).
CHAIR_BANNERS = "governance-chair"
watch_tables(CHAIR_BANNERS, ChairPeriod, chairperson_table, chairmanship.country_table, User.name)
# The secretariat's warning that the mandate ends, likewise: until a mandate period changes
# (the stamp), or the day or the warning window does (the key).
MANDATE_BANNER = "governance-mandate"
watch_tables(MANDATE_BANNER, MandatePeriod)


def active_people(*roles: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(roles), User.is_active_account.is_(True))
            .order_by(User.name)
        )
    )


def tell(
    users: Iterable[User | None],
    leave_out: Iterable[User | None],
    kind: str,
    title: str,
    text: str = "",
    url: str = "",
) -> NotifyResult:
    """Notify `users` (each once) except those in `leave_out`, such as the actor."""
    skipped = {person.id for person in leave_out if person is not None}
    recipients = [person for person in users if person is not None and person.id not in skipped]
    return notify(recipients, f"governance.{kind}", title, text, url)


def document_title(document: str) -> str:
    return documents.DOCUMENTS.get(document, document)


def proposal_submitted(proposal: Proposal, actor: User) -> NotifyResult:
    """The current chairpersons and the secretariat decide on a proposal: tell them."""
    period = chairmanship.current_chair_period()
    chairpersons = period.chairpersons if period is not None else []
    return tell(
        [*chairpersons, *active_people("secretariat")],
        [actor],
        "proposal_submitted",
        f"{actor.name} proposes a revision of the {document_title(proposal.document).lower()}",
        proposal.reason,
        url_for("governance.proposal_show", proposal_id=proposal.id),
    )


def proposal_decided(proposal: Proposal, actor: User) -> NotifyResult:
    """Tell the proposer whether their proposal was accepted or rejected, with the comment."""
    return tell(
        [proposal.proposer],
        [actor],
        f"proposal_{proposal.status}",
        f"Your proposal for the {document_title(proposal.document).lower()} was {proposal.status}",
        proposal.decision_comment,
        url_for("governance.proposal_show", proposal_id=proposal.id),
    )


def revision_adopted(revision: Revision, actor: User, *already_told: User | None) -> NotifyResult:
    """Tell every active member and the secretariat, except the reviser and `already_told`."""
    return tell(
        active_people(*MEMBERS_AND_SECRETARIAT),
        [actor, *already_told],
        "revised",
        f"{document_title(revision.document)}: revision {revision.number} adopted",
        revision.reason,
        url_for("governance.revision_show", document=revision.document, number=revision.number),
    )


def report_submitted(report: Report, actor: User) -> NotifyResult:
    return tell(
        active_people(*MEMBERS_AND_SECRETARIAT),
        [actor],
        "report_submitted",
        f"Activity report submitted: {report.title}",
        f"{report.start:%d %B %Y} to {report.end:%d %B %Y}",
        url_for("governance.report_show", report_id=report.id),
    )


def claim(key: str) -> bool:
    """Record that the one-off notice `key` goes out now; False when it already went out."""
    db.session.add(Notice(key=key))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def send_daily_reminders(today: date | None = None) -> None:
    """The daily job: the mandate entering its warning window, the handover month beginning."""
    today = today or datetime.now(UTC).date()
    mandate = chairmanship.mandate_ending_soon(today)
    if mandate is not None and claim(f"mandate-warning:{mandate.id}"):
        tell(
            active_people("secretariat"),
            [],
            "mandate_ending",
            f"The mandate ends on {mandate.end.day} {mandate.end:%B %Y}",
            "Prepare the final report on which the mandate can be prolonged.",
            url_for("governance.report_new", basis=f"mandate:{mandate.id}"),
        )
    current, following, countries = chairmanship.handover_view(today)
    if (
        current is not None
        and chairmanship.in_last_month(current, today)
        and claim(f"handover:{current.id}")
    ):
        tell(
            [
                *current.chairpersons,
                *(following.chairpersons if following else []),
                *active_people("secretariat"),
            ],
            [],
            "handover",
            chairmanship.handover_announcement(current, following, countries),
            f"The chairmanship of {countries[current.country_code]} ends on "
            f"{current.end.day} {current.end:%B %Y}.",
            url_for("governance.chairmanship_list"),
        )


def chair_banners(today: date) -> tuple[Banner, ...]:
    """The chair in office `today` and, in its last month, the handover: one query."""
    current, following, countries = chairmanship.handover_view(today)
    if current is None:
        return ()
    overview = url_for("governance.index")
    chair = countries[current.country_code]
    if current.chairpersons:
        chair += f" ({chairmanship.names(current.chairpersons)})"
    banners = [Banner(f"Chair: {chair}.", overview, "Governance", order=10)]
    if chairmanship.in_last_month(current, today):
        announcement = chairmanship.handover_announcement(current, following, countries)
        banners.append(Banner(f"{announcement}.", overview, "Governance", order=11))
    return tuple(banners)


def ends(today: date) -> tuple[int, date] | None:
    """The id and end of the mandate in force when its end is within the warning window."""
    mandate = chairmanship.mandate_ending_soon(today)
    return None if mandate is None else (mandate.id, mandate.end)


def banners(user: User) -> list[Banner]:
    """The chair and its handover for all but guests; the mandate's end for the secretariat."""
    if user.is_guest:
        return []
    today = chairmanship.local_today()
    banners = list(cached_figures(CHAIR_BANNERS, today.isoformat(), lambda: chair_banners(today)))
    if user.role == "secretariat":
        window = settings.get("mandate_warning_days")
        ending = cached_figures(
            MANDATE_BANNER, f"{today.isoformat()}:{window}", lambda: ends(today)
        )
        if ending is not None:
            mandate_id, end = ending
            banners.append(
                Banner(
                    f"The mandate ends on {end.day} {end:%B %Y}: prepare the final report.",
                    url_for("governance.report_new", basis=f"mandate:{mandate_id}"),
                    "Start the final report",
                    level="warning",
                    order=12,
                )
            )
    return banners
