"""The mandate: periods, prolongations, the banner before the end; the demo data."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from intranet.extensions import db
from intranet_governance.models import ChairPeriod, MandatePeriod, Report, Revision


def mandate_count() -> int:
    return db.session.scalar(select(func.count(MandatePeriod.id)))


def test_overlapping_mandates_are_refused_and_prolongations_recorded(client, secretariat):
    client.login(secretariat.email)
    first = {"start": "2006-07-01", "end": "2007-12-31", "decision_reference": "Reykjavik 2006"}
    assert client.submit("/governance/mandate/new", first).status_code == 303
    response = client.submit(
        "/governance/mandate/new", {"start": "2007-01-01", "end": "2008-12-31"}
    )
    assert response.status_code == 422 and "Overlaps the mandate" in response.get_data(True)
    response = client.submit(
        "/governance/mandate/prolong",
        {"end": "2010-12-31", "decision_date": "2007-11-20", "decision_reference": "CSO 2007"},
    )
    assert response.status_code == 303
    prolongation = db.session.scalar(select(MandatePeriod).where(MandatePeriod.is_prolongation))
    assert (prolongation.start, prolongation.end) == (date(2008, 1, 1), date(2010, 12, 31))
    assert prolongation.decision_reference == "CSO 2007"
    assert mandate_count() == 2


def test_the_secretariat_is_pointed_to_the_final_report_before_the_end(
    client, sign_in, secretariat, member
):
    today = date.today()
    db.session.add(MandatePeriod(start=today - timedelta(days=400), end=today + timedelta(days=90)))
    db.session.commit()
    client.login(secretariat.email)
    fragment = client.get("/governance/widgets/mandate", headers={"HX-Request": "true"})
    assert "start the final report" in fragment.get_data(as_text=True)
    sign_in(member)
    fragment = client.get("/governance/widgets/mandate", headers={"HX-Request": "true"})
    assert "final report" not in fragment.get_data(as_text=True)


def test_the_demo_data(app, client):
    result = app.test_cli_runner().invoke(args=["intranet", "demo"])
    assert result.exit_code == 0, result.output
    years = db.session.scalars(select(ChairPeriod.start).order_by(ChairPeriod.start)).all()
    assert years[0] == date(2006, 7, 1) and years[-1] == date(2026, 7, 1)
    assert mandate_count() == 2
    assert (
        db.session.scalar(select(func.count(Revision.id)).where(Revision.document == "objectives"))
        == 2
    )
    report = db.session.scalar(select(Report))
    assert report.is_submitted and report.snapshot
