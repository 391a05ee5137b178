"""Who is told about proposals, revisions, reports, the mandate's end and the handover."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.platform.notifications import Notification
from intranet_governance import notices
from intranet_governance.models import ChairPeriod, MandatePeriod, Proposal, Report
from tests.conftest import contributions


def told(kind: str) -> dict[str, str]:
    """Who received an in-app notification of `kind`, with its text."""
    rows = db.session.execute(
        select(Notification.user_id, Notification.text).where(
            Notification.kind == f"governance.{kind}"
        )
    )
    return {db.session.get(User, user_id).email: text for user_id, text in rows}


def mailed(outbox, words: str) -> set[str]:
    return {mail["To"] for mail in outbox() if words in mail["Subject"]}


@pytest.fixture
def bystander(make_user):
    return make_user("member", email="other@example.org", name="Olaf Other")


def propose(client, user) -> Proposal:
    client.login(user.email)
    client.submit(
        "/governance/documents/objectives/propose", {"body": "Cooperate more.", "reason": "Focus"}
    )
    return db.session.scalar(select(Proposal))


def test_a_proposal_is_announced_to_the_chair_and_the_secretariat(
    client, member, chair, secretariat, bystander, objectives, outbox
):
    propose(client, member)
    assert set(told("proposal_submitted")) == {chair.email, secretariat.email}
    assert told("proposal_submitted")[chair.email] == "Focus"
    assert mailed(outbox, "proposes a revision") == {chair.email, secretariat.email}


def test_the_chair_proposing_is_not_told_about_their_own_proposal(
    client, chair, secretariat, objectives, outbox
):
    propose(client, chair)
    assert set(told("proposal_submitted")) == {secretariat.email}
    assert mailed(outbox, "proposes a revision") == {secretariat.email}


def test_an_accepted_proposal_tells_the_proposer_and_the_others_of_the_revision(
    client, sign_in, member, chair, secretariat, bystander, objectives, outbox
):
    proposal = propose(client, member)
    sign_in(secretariat)
    client.submit(f"/governance/proposals/{proposal.id}/accept", {"comment": "Agreed"})
    assert told("proposal_accepted") == {member.email: "Agreed"}
    assert mailed(outbox, "was accepted") == {member.email}
    assert set(told("revised")) == {chair.email, bystander.email}
    assert mailed(outbox, "revision 3 adopted") == {chair.email, bystander.email}


def test_a_rejected_proposal_tells_the_proposer_the_reason(
    client, sign_in, member, chair, objectives, outbox
):
    proposal = propose(client, member)
    sign_in(chair)
    client.submit(f"/governance/proposals/{proposal.id}/reject", {"comment": "Out of scope"})
    assert told("proposal_rejected") == {member.email: "Out of scope"}
    assert mailed(outbox, "was rejected") == {member.email}
    assert told("revised") == {}


def test_a_revision_is_announced_to_members_and_secretariat_but_not_the_reviser(
    client, secretariat, member, make_user, objectives, outbox
):
    colleague = make_user("secretariat", email="sec2@example.org")
    make_user("guest", email="guest@example.org")
    make_user("member", email="former@example.org", is_active_account=False)
    client.login(secretariat.email)
    client.submit(
        "/governance/documents/objectives/revise", {"body": "Cooperate.", "reason": "Shorter"}
    )
    assert told("revised") == {member.email: "Shorter", colleague.email: "Shorter"}
    assert mailed(outbox, "revision 3 adopted") == {member.email, colleague.email}


def test_a_submitted_report_is_announced_to_all_members(
    client, secretariat, member, bystander, outbox
):
    report = Report(
        title="Activity report 2025-2026", start=date(2025, 7, 1), end=date(2026, 6, 30)
    )
    db.session.add(report)
    db.session.commit()
    client.login(secretariat.email)
    client.submit(f"/governance/reports/{report.id}/submit")
    assert set(told("report_submitted")) == {member.email, bystander.email}
    assert mailed(outbox, "Activity report submitted") == {member.email, bystander.email}


def run_daily_job(app, today: date) -> None:
    [job] = [
        job
        for job in contributions("governance", "intranet_scheduled_jobs")
        if job.name == "governance.daily-reminders"
    ]
    assert job.every_minutes == 24 * 60
    with app.test_request_context():
        notices.send_daily_reminders(today)


def test_the_secretariat_is_told_once_when_the_mandate_enters_the_warning_window(
    app, secretariat, member, outbox
):
    today = date(2027, 9, 15)
    db.session.add(MandatePeriod(start=date(2024, 7, 1), end=date(2027, 12, 31)))
    db.session.commit()
    run_daily_job(app, today - timedelta(days=200))
    assert told("mandate_ending") == {}
    run_daily_job(app, today)
    run_daily_job(app, today + timedelta(days=1))
    assert list(told("mandate_ending")) == [secretariat.email]
    assert len([m for m in outbox() if "The mandate ends" in m["Subject"]]) == 1


def test_the_handover_month_is_announced_once_to_both_chairs_and_the_secretariat(
    app, secretariat, member, bystander, make_user, outbox
):
    successor = make_user("member", email="lv@example.org", country_code="LV")
    db.session.add_all(
        [
            ChairPeriod(
                start=date(2026, 7, 1),
                end=date(2027, 6, 30),
                country_code="SE",
                chairpersons=[member],
            ),
            ChairPeriod(
                start=date(2027, 7, 1),
                end=date(2028, 6, 30),
                country_code="LV",
                chairpersons=[successor],
            ),
        ]
    )
    db.session.commit()
    run_daily_job(app, date(2027, 5, 30))
    assert told("handover") == {}
    run_daily_job(app, date(2027, 6, 1))
    run_daily_job(app, date(2027, 6, 2))
    expected = {member.email, successor.email, secretariat.email}
    assert set(told("handover")) == expected
    assert mailed(outbox, "Chair handover on 1 July to Latvia") == expected
    assert len([m for m in outbox() if "Chair handover" in m["Subject"]]) == 3
