"""Files in one store for every host: two app instances with their own instance folders on one
database and one store (a shared folder, or S3 served by moto on loopback) see the same files;
a file the store lost is reported, never silently skipped."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from werkzeug.datastructures import FileStorage

from intranet import create_app
from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.attachments import Attachment, save_upload
from intranet.platform.storage import MissingObject, store
from intranet.plugin_api import hookimpl
from intranet.privacy import export as exports
from intranet.privacy.export import PrivacyExport, process_exports
from intranet.testing import Client
from intranet_subgroups.models import Membership, SubGroup

# A PDF large enough to travel in several chunks, with bytes no text decoding would keep.
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 1200 + b"\n%%EOF\n"


class AllowNotes:
    @staticmethod
    @hookimpl
    def intranet_permission(user, action, resource):
        if action == "example.view_attachment" and resource.kind == "example.note":
            return True
        return None


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["file", "s3"])
def shared_store(request, tmp_path, monkeypatch) -> tuple[str, str | None]:
    """The store both hosts use: (INTRANET_STORAGE_URL, INTRANET_S3_ENDPOINT_URL)."""
    if request.param == "file":
        return (tmp_path / "shared-files").as_uri(), None
    endpoint = request.getfixturevalue("s3_endpoint")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "intranet-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "intranet-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bucket = f"task-force-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/intranet", endpoint


@pytest.fixture
def config(config, shared_store):
    config["STORAGE_URL"], config["S3_ENDPOINT_URL"] = shared_store
    config["PRIVACY_EXPORT_IN_BACKGROUND"] = False
    return config


def host(config: dict, tmp_path: Path, name: str):
    """Another app instance: its own instance folder, the same database and store."""
    other = create_app({**config, "INSTANCE_PATH": str(tmp_path / name)})
    other.extensions["intranet_plugins"].pm.register(AllowNotes, name="allow_notes")
    other.test_client_class = Client
    return other


@pytest.fixture
def host_b(config, tmp_path):
    return host(config, tmp_path, "host-b")


def upload_on_a(member, data: bytes = PDF, name: str = "Minutes Tallinn.pdf"):
    return save_upload(
        FileStorage(stream=io.BytesIO(data), filename=name), "example", "example.note", 1, member
    )


def test_an_upload_on_one_host_downloads_byte_identical_on_the_other(app, host_b, member):
    attachment = upload_on_a(member)
    client = host_b.test_client()
    client.login(member.email)

    response = client.get(f"/attachments/{attachment.id}")

    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Length"] == str(len(PDF))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert not Path(app.instance_path, "attachments").exists()


def test_a_document_uploaded_through_a_groups_page_on_one_host_downloads_on_the_other(
    app, client, host_b, member, make_user
):
    group = SubGroup(
        name="Labour exploitation",
        start_date=utcnow().date(),
        end_date=utcnow().date() + timedelta(days=90),
        status="active",
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(group_id=group.id, user_id=member.id, role="convenor"))
    db.session.commit()
    client.login(member.email)
    posted = client.submit(
        f"/subgroups/{group.id}/documents",
        {"file": (io.BytesIO(PDF), "Minutes Riga.pdf")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 303
    document = db.session.scalars(db.select(Attachment)).one()
    reader = host_b.test_client()
    reader.login(make_user("member").email)

    response = reader.get(f"/attachments/{document.id}")

    assert response.status_code == 200 and response.data == PDF


def test_a_file_the_store_lost_answers_404_and_is_logged(app, host_b, member, caplog):
    attachment = upload_on_a(member)
    store().delete(attachment.storage_key)
    client = host_b.test_client()
    client.login(member.email)

    with caplog.at_level(logging.ERROR):
        assert client.get(f"/attachments/{attachment.id}").status_code == 404

    assert f"{attachment.storage_key} is missing" in caplog.text


def test_an_export_built_on_one_host_has_the_other_hosts_files_and_either_serves_it(
    app, host_b, client, member, tmp_path
):
    attachment = upload_on_a(member)
    client.login(member.email)
    client.submit("/privacy/export")
    with host_b.test_request_context():
        assert process_exports() == 1
    export = db.session.scalars(db.select(PrivacyExport)).one()
    db.session.refresh(export)
    assert export.status == "ready" and export.claimed_by and export.claimed_until is None

    for serving in (client, host(app.config, tmp_path, "host-c").test_client()):
        if serving is not client:
            serving.login(member.email)
        response = serving.get(f"/privacy/exports/{export.id}/file")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            assert archive.read(f"files/{attachment.id}-Minutes Tallinn.pdf") == PDF
            assert "missing-files.txt" not in archive.namelist()


def test_an_export_lists_the_files_the_store_lost(app, client, member, caplog):
    kept = upload_on_a(member, name="kept.pdf")
    lost = upload_on_a(member, name="lost.pdf")
    store().delete(lost.storage_key)
    client.login(member.email)
    client.submit("/privacy/export")
    with caplog.at_level(logging.ERROR), app.test_request_context():
        process_exports()
    export = db.session.scalars(db.select(PrivacyExport)).one()
    db.session.refresh(export)

    assert "1 file was missing" in export.step
    assert lost.storage_key in caplog.text
    response = client.get(f"/privacy/exports/{export.id}/file")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.read(f"files/{kept.id}-kept.pdf") == PDF
        note = archive.read("missing-files.txt").decode()
    assert note.startswith("These files are recorded as yours but were missing from the")
    assert f"\n- files/{lost.id}-lost.pdf (uploaded " in note


def test_a_person_watching_the_export_sees_each_step_in_turn(app, client, member, monkeypatch):
    """The privacy page polls the request's step and percentage while the archive builds."""
    upload_on_a(member, name="one.pdf")
    upload_on_a(member, name="two.pdf")
    client.login(member.email)
    client.submit("/privacy/export")
    seen = []
    progress = exports._progress

    def watched(export, percent, step):
        if not seen:
            seen.append((export.progress, export.step))  # as claiming the request left it
        progress(export, percent, step)
        seen.append((export.progress, export.step))

    monkeypatch.setattr(exports, "_progress", watched)
    with app.test_request_context():
        assert process_exports() == 1
    assert seen == [
        (5, "Starting"),
        (10, "Collecting your profile and what each part of the intranet holds"),
        (40, "Adding your files (0 of 2)"),
        (67, "Adding your files (1 of 2)"),
        (95, "Adding your files (2 of 2)"),
    ]
    export = db.session.scalars(db.select(PrivacyExport)).one()
    db.session.refresh(export)
    assert (export.progress, export.step) == (100, "Ready to download")


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["intranet", *args])


def test_a_backup_holds_the_stores_files_readable_by_its_owner_only(app, cli, member, tmp_path):
    attachment = upload_on_a(member)
    target = tmp_path / "backup"

    result = cli("backup", str(target))

    assert result.exit_code == 0, result.output
    assert (target / attachment.storage_key).read_bytes() == PDF
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["files"] == 1 and manifest["missing"] == []
    assert manifest["storage"] == store().url
    for path in [target, *target.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(os.stat(path).st_mode) == expected, path


def test_a_backup_reports_a_file_the_store_lost(app, cli, member, tmp_path):
    upload_on_a(member, name="kept.pdf")
    lost = upload_on_a(member, name="lost.pdf")
    store().delete(lost.storage_key)

    result = cli("backup", str(tmp_path / "backup"))

    assert result.exit_code == 1
    assert f"MISSING {lost.storage_key}" in result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["files"] == 1 and manifest["missing"] == [lost.storage_key]


def test_a_restore_puts_the_files_back_into_the_store(app, cli, host_b, member, tmp_path):
    attachment = upload_on_a(member)
    email, attachment_id = member.email, attachment.id
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    store().delete(attachment.storage_key)
    db.session.remove()

    result = cli("restore", "--replace", str(tmp_path / "backup"))

    assert result.exit_code == 0, result.output
    client = host_b.test_client()
    client.login(email)
    assert client.get(f"/attachments/{attachment_id}").data == PDF


def test_check_warns_when_postgresql_keeps_files_in_a_local_folder(app, cli):
    output = cli("check").output
    local_on_postgres = store().local and db.engine.url.get_backend_name() == "postgresql"
    assert ("INTRANET_STORAGE_URL" in output) == local_on_postgres
    assert "cannot write" not in output
    assert not list(store().list("check/")), "the probe is removed"


def test_check_fails_while_an_old_file_folder_setting_is_still_set(app, cli, monkeypatch):
    monkeypatch.setenv("INTRANET_ATTACHMENT_DIR", "/srv/intranet/attachments")
    result = cli("check")
    assert result.exit_code == 1
    assert "INTRANET_ATTACHMENT_DIR is no longer read" in result.output


def test_check_fails_when_the_store_cannot_be_written(app, cli, monkeypatch):
    monkeypatch.setattr(store(), "put", _refuse)
    result = cli("check")
    assert result.exit_code == 1
    assert f"cannot write to and read from the store {store().url}" in result.output


def _refuse(key, stream):
    raise PermissionError("access denied")


def test_both_kinds_of_store_answer_the_same_way(app):
    files = store()
    assert files.put("attachments/ab/one", io.BytesIO(b"first")) == 5
    files.put("attachments/two", io.BytesIO(b"second"))
    files.put("exports/three", io.BytesIO(b"third"))

    assert list(files.list("attachments/")) == ["attachments/ab/one", "attachments/two"]
    assert files.exists("attachments/two") and files.size("attachments/two") == 6
    with files.open("attachments/ab/one") as stream:
        assert stream.read() == b"first"
    files.delete("attachments/two")
    files.delete("attachments/two")
    assert not files.exists("attachments/two")
    with pytest.raises(MissingObject):
        files.open("attachments/two")
    for escaping in ("../secret_key", "/etc/passwd", "attachments/../../x", ""):
        with pytest.raises(ValueError, match="not a storage key"):
            files.put(escaping, io.BytesIO(b"x"))
