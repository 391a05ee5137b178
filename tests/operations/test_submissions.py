"""Submission tokens are kept a day, long enough for any retry, then `run-jobs` forgets them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.submissions import Submission


def test_run_jobs_forgets_submissions_older_than_a_day(app, member):
    db.session.add_all(
        [
            Submission(token="old" * 8, user_id=member.id, created_at=utcnow() - timedelta(days=2)),
            Submission(token="new" * 8, user_id=member.id, location="/subgroups/threads/1"),
        ]
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["intranet", "run-jobs"])
    assert "ran core.submissions" in result.output, result.output
    assert db.session.scalars(select(Submission.token)).all() == ["new" * 8]
