"""The governance plugin's scale data: chair years, mandate, revisions and reports that agree."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from intranet.extensions import db
from intranet.platform.scale import create_scale_data
from intranet_governance.models import ChairPeriod, MandatePeriod, Report, Revision
from tests.conftest import PASSWORD


def test_scale_governance_is_consistent(app: Any) -> None:
    create_scale_data(0.01, PASSWORD)
    periods = db.session.scalars(select(ChairPeriod).order_by(ChairPeriod.start)).all()
    assert len(periods) >= 2
    for period in periods:
        assert (period.start.month, period.start.day) == (7, 1)
        assert period.end == date(period.start.year + 1, 6, 30)
        assert period.chairpersons
    mandates = db.session.scalars(select(MandatePeriod).order_by(MandatePeriod.start)).all()
    assert mandates[0].start <= periods[0].start and periods[-1].end <= mandates[-1].end
    for earlier, later in pairwise(mandates):
        assert earlier.end < later.start

    revisions = db.session.scalars(select(Revision)).all()
    for document in ("objectives", "methods"):
        numbers = sorted(r.number for r in revisions if r.document == document)
        assert numbers == list(range(1, len(numbers) + 1)) and numbers

    reports = db.session.scalars(select(Report)).all()
    past = [report for report in reports if report.end < date.today()]
    assert past and all(report.is_submitted and report.snapshot for report in past)
    [draft] = [report for report in reports if report.end >= date.today()]
    assert draft.start <= date.today() and not draft.is_submitted
    assert {(r.start, r.end) for r in reports} <= {(p.start, p.end) for p in periods}
