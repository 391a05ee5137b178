"""Privacy exports are claimed jobs: every host's `run-jobs` may build them, each request is
built once, a request another host holds is skipped rather than waited for, and a build whose
host died is given up once its claim lapses (a live build renews its claim)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from intranet import create_app
from intranet.extensions import db
from intranet.models import AuditEvent, utcnow
from intranet.platform.storage import store
from intranet.privacy.export import CLAIM_FOR, PrivacyExport, process_exports, run_export


@pytest.fixture
def config(config, tmp_path):
    config["PRIVACY_EXPORT_IN_BACKGROUND"] = False
    config["STORAGE_URL"] = (tmp_path / "shared-files").as_uri()
    return config


def waiting_exports(make_user, count: int) -> list[int]:
    exports = [PrivacyExport(user_id=make_user("member").id) for _ in range(count)]
    db.session.add_all(exports)
    db.session.commit()
    return [export.id for export in exports]


def run_jobs_on(other, results: list, start: threading.Barrier) -> None:
    with other.app_context(), other.test_request_context():
        start.wait()
        results.append(process_exports())
        db.session.remove()
        db.engine.dispose()


def test_two_hosts_running_the_job_at_once_build_each_request_once(
    app, config, make_user, tmp_path
):
    ids = waiting_exports(make_user, 4)
    results: list[int] = []
    start = threading.Barrier(2)
    # Each host is built here, one after the other: CPython 3.11 can fail compiling two apps'
    # URL rules at once in threads ("AST constructor recursion depth mismatch"); a real host
    # builds its app before any thread runs.
    apps = [create_app({**config, "INSTANCE_PATH": str(tmp_path / name)}) for name in ("a", "b")]
    hosts = [threading.Thread(target=run_jobs_on, args=(other, results, start)) for other in apps]
    for thread in hosts:
        thread.start()
    for thread in hosts:
        thread.join(60)

    assert sum(results) == 4
    db.session.expire_all()
    exports = db.session.scalars(select(PrivacyExport).where(PrivacyExport.id.in_(ids))).all()
    assert {export.status for export in exports} == {"ready"}
    assert all(export.claimed_by for export in exports)
    ready = select(func.count()).where(AuditEvent.action == "privacy.export_ready")
    assert db.session.scalar(ready) == 4
    assert len(list(store().list("exports/"))) == 4


def test_a_request_another_host_is_claiming_is_skipped_not_waited_for(app, make_user):
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite has one writer anyway")
    [export_id] = waiting_exports(make_user, 1)
    other_host = sa.create_engine(db.engine.url)
    holding = other_host.connect()
    holding.execute(
        sa.text("SELECT id FROM privacy_export WHERE id = :id FOR UPDATE"), {"id": export_id}
    )
    results: list[int] = []
    job = threading.Thread(target=lambda: results.append(_job(app)))
    job.start()
    job.join(10)
    waited = job.is_alive()
    holding.rollback()
    holding.close()
    job.join(30)
    other_host.dispose()

    assert not waited, "the job waited for the row another host holds"
    assert results == [0]
    assert _job(app) == 1


def _job(app) -> int:
    with app.app_context(), app.test_request_context():
        try:
            return process_exports()
        finally:
            db.session.remove()


def test_a_build_whose_claim_lapsed_is_given_up_and_a_renewed_one_is_not(app, make_user):
    lapsed, renewed = waiting_exports(make_user, 2)
    long_ago = utcnow() - timedelta(hours=2)
    for export_id, claimed_until in (
        (lapsed, utcnow() - timedelta(minutes=1)),
        (renewed, utcnow() + timedelta(minutes=20)),
    ):
        export = db.session.get(PrivacyExport, export_id)
        export.status, export.started_at = "running", long_ago
        export.claimed_by, export.claimed_until = "host-a:123", claimed_until
    db.session.commit()

    with app.test_request_context():
        process_exports()

    db.session.expire_all()
    assert db.session.get(PrivacyExport, lapsed).status == "failed"
    assert db.session.get(PrivacyExport, renewed).status == "running"


def test_a_request_its_worker_built_is_not_built_again_by_the_job(app, make_user):
    [export_id] = waiting_exports(make_user, 1)
    with app.test_request_context():
        assert run_export(export_id) is True
        assert run_export(export_id) is False
        assert process_exports() == 0
    ready = select(func.count()).where(AuditEvent.action == "privacy.export_ready")
    assert db.session.scalar(ready) == 1


def test_a_build_that_never_claimed_is_given_up_once_the_claim_time_has_passed(app, make_user):
    """A running build without a claim (its host died before claiming it) fails after
    CLAIM_FOR, and the person's list says so; one that started within it is left to run."""
    old, recent = waiting_exports(make_user, 2)
    for export_id, started in (
        (old, utcnow() - CLAIM_FOR - timedelta(minutes=1)),
        (recent, utcnow() - CLAIM_FOR + timedelta(minutes=5)),
    ):
        export = db.session.get(PrivacyExport, export_id)
        export.status, export.started_at, export.claimed_until = "running", started, None
    db.session.commit()

    with app.test_request_context():
        assert process_exports() == 1

    db.session.expire_all()
    given_up = db.session.get(PrivacyExport, old)
    assert (given_up.status, given_up.step, given_up.error) == (
        "failed",
        "Failed",
        "the worker stopped before it finished",
    )
    assert db.session.get(PrivacyExport, recent).status == "running"
