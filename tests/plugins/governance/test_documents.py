"""Objectives and methods of work: revisions, diffs, proposals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.plugins import results
from intranet_governance.models import Proposal, Report, Revision


def revision_count() -> int:
    return db.session.scalar(select(func.count(Revision.id)))


def test_the_secretariat_revises_and_every_revision_is_kept(client, secretariat, objectives):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/documents/objectives/revise",
        {"body": "## Goals\n\nCooperate closely.", "reason": "Shorter"},
    )
    assert response.status_code == 303
    page = client.get("/governance/documents/objectives").get_data(as_text=True)
    assert "<h2>Goals</h2>" in page and "Shorter" in page and "Second" in page
    assert revision_count() == 3


def test_an_empty_revision_is_refused(client, secretariat, objectives):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/documents/objectives/revise", {"body": "   ", "reason": "Nothing"}
    )
    assert response.status_code == 422
    assert "may not be empty" in response.get_data(as_text=True)
    assert revision_count() == 2


def test_the_chair_revises_too(client, chair, objectives):
    client.login(chair.email)
    response = client.submit(
        "/governance/documents/methods/revise", {"body": "Meet twice a year.", "reason": "Chair"}
    )
    assert response.status_code == 303


def test_the_diff_marks_removed_and_added_lines_escaped(
    client, sign_in, member, objectives, secretariat
):
    client.login(secretariat.email)
    client.submit(
        "/governance/documents/objectives/revise",
        {"body": "Cooperate.\n<script>alert(1)</script>", "reason": "Test"},
    )
    sign_in(member)
    page = client.get("/governance/documents/objectives/diff?from=1&to=3").get_data(as_text=True)
    assert "<del>Exchange knowledge.</del>" in page
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<script>alert" not in page and "style=" not in page
    unified = client.get("/governance/documents/objectives/diff?from=1&to=2&format=unified")
    assert "+Avoid duplication." in unified.get_data(as_text=True)


def test_a_proposal_accepted_becomes_a_revision(client, sign_in, member, secretariat, objectives):
    client.login(member.email)
    client.submit(
        "/governance/documents/objectives/propose", {"body": "Cooperate more.", "reason": "Focus"}
    )
    proposal = db.session.scalar(select(Proposal))
    sign_in(secretariat)
    response = client.submit(f"/governance/proposals/{proposal.id}/accept", {"comment": "Agreed"})
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.status == "accepted"
    latest = db.session.scalar(select(Revision).order_by(Revision.number.desc()))
    assert (latest.number, latest.body) == (3, "Cooperate more.")
    exported = {
        person: dict(results("intranet_personal_data", user=person))["governance"]
        for person in (member, secretariat)
    }
    assert exported[member]["proposals"][0]["status"] == "accepted"
    assert exported[secretariat]["proposals_decided"][0]["comment"] == "Agreed"


def test_a_rejection_needs_a_comment(client, sign_in, member, chair, objectives):
    client.login(member.email)
    client.submit(
        "/governance/documents/objectives/propose", {"body": "Do less.", "reason": "Scope"}
    )
    proposal = db.session.scalar(select(Proposal))
    assert client.submit(f"/governance/proposals/{proposal.id}/reject").status_code == 403
    sign_in(chair)
    assert client.submit(f"/governance/proposals/{proposal.id}/reject").status_code == 422
    response = client.submit(
        f"/governance/proposals/{proposal.id}/reject", {"comment": "Out of the mandate"}
    )
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert (proposal.status, proposal.decision_comment) == ("rejected", "Out of the mandate")
    assert revision_count() == 2


def test_search_finds_the_objectives_and_tolerates_fts_syntax(app, member, objectives):
    from intranet_governance import intranet_search

    with app.test_request_context():
        results = intranet_search("practices", member, 10)
        assert [r.title for r in results] == ["Objectives"]
        for nasty in ('"unbalanced', "AND OR NOT", "*", "near(", "a:b -c"):
            intranet_search(nasty, member, 10)


def test_search_leaves_out_older_revisions_and_shows_draft_reports_to_those_who_steer(
    app, member, chair, secretariat, objectives
):
    from intranet_governance import intranet_search

    report = Report(
        title="Activity report 2025-2026",
        start=date(2025, 7, 1),
        end=date(2026, 6, 30),
        introduction="Shelters opened in every member state.",
    )
    db.session.add(report)
    db.session.commit()

    def titles(query, user):
        with app.test_request_context():
            return [result.title for result in intranet_search(query, user, 10)]

    assert titles("knowledge", member) == []  # only in the first revision
    assert titles("shelters", member) == []
    assert titles("shelters", chair) == titles("shelters", secretariat) == [report.title]
    report.submitted_at = utcnow()
    db.session.commit()
    assert titles("shelters", member) == [report.title]


def test_search_finds_a_document_whose_older_revisions_match_better(
    app, member, secretariat, objectives
):
    """Each document has many revisions: older ones that say a word more often must not take
    the places of the latest (at N=10 no document was found for a common word)."""
    from intranet_governance import documents, intranet_search

    for number in range(40):
        documents.add_revision(
            "methods", f"Partners meet.\n{'Partners ' * 20}{number}", f"Draft {number}", secretariat
        )
    documents.add_revision("methods", "Partners meet twice a year.", "Latest", secretariat)
    db.session.commit()
    with app.test_request_context():
        results = intranet_search("partners", member, 10)
    assert [result.title for result in results] == [documents.DOCUMENTS["methods"]]
    assert "twice a year" in results[0].snippet
