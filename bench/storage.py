"""Two app instances (own instance folders, one SQLite database, one store): upload a 10 MB file
on the first, download it on the second, for a folder store and an S3 store (moto's server in
its own process, so its memory is not counted). Prints the timings, whether the bytes are
identical, and the peak Python allocations while the download is read, which stay far below the
file's size when downloads stream.

    .venv/bin/python -m bench.storage
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import boto3
from werkzeug.datastructures import FileStorage

from intranet import create_app
from intranet.accounts.security import hash_password
from intranet.extensions import db
from intranet.models import User
from intranet.platform import schema
from intranet.platform.attachments import save_upload
from intranet.plugin_api import hookimpl
from intranet.testing import PASSWORD, Client, base_config

EXAMPLE_PLUGIN = Path(__file__).parent.parent / "tests" / "example_plugin"
PLUGINS = ["governance", "lessons", "meetings", "partners", "subgroups", "example"]
DATA = b"%PDF-1.7\n" + os.urandom(10 * 1024 * 1024) + b"\n%%EOF\n"


class AllowNotes:
    @staticmethod
    @hookimpl
    def intranet_permission(user, action, resource):
        return True if action == "example.view_attachment" else None


def moto_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, endpoint


def measure(kind: str, url: str, endpoint: str | None, folder: Path) -> str:
    folder.mkdir()
    config = base_config(folder, f"sqlite:///{folder / 'intranet.db'}", PLUGINS)
    config.update(STORAGE_URL=url, S3_ENDPOINT_URL=endpoint, ATTACHMENT_MAX_BYTES=20 * 2**20)
    first = create_app({**config, "INSTANCE_PATH": str(folder / "host-a")})
    second = create_app({**config, "INSTANCE_PATH": str(folder / "host-b")})
    second.extensions["intranet_plugins"].pm.register(AllowNotes, name="allow_notes")
    second.test_client_class = Client
    with first.app_context():
        schema.upgrade()
        user = User(
            email="bench@example.org",
            name="Bench",
            role="member",
            password_hash=hash_password(PASSWORD),
            is_active_account=True,
        )
        db.session.add(user)
        db.session.commit()
        started = time.perf_counter()
        upload = FileStorage(io.BytesIO(DATA), filename="minutes.pdf")
        attachment_id = save_upload(upload, "example", "example.note", 1, user).id
        uploaded = time.perf_counter() - started
    with second.app_context():
        client = second.test_client()
        client.login("bench@example.org", PASSWORD)
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/attachments/{attachment_id}", buffered=False)
        digest, size = hashlib.sha256(), 0
        for chunk in response.response:
            digest.update(chunk)
            size += len(chunk)
        downloaded = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    identical = size == len(DATA) and digest.digest() == hashlib.sha256(DATA).digest()
    return (
        f"{kind}: 10 MB upload on host A {uploaded * 1000:.0f} ms, download on host B "
        f"{downloaded * 1000:.0f} ms, byte-identical {identical}, peak Python allocations "
        f"while downloading {peak / 2**20:.1f} MB"
    )


def main() -> None:
    sys.path.insert(0, str(EXAMPLE_PLUGIN))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "bench"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    server, endpoint = moto_server()
    try:
        folder = Path(tempfile.mkdtemp(prefix="storage-bench-"))
        print(measure("file://", (folder / "shared").as_uri(), None, folder / "file"))
        bucket = f"bench-{uuid.uuid4().hex[:10]}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
        print(measure("s3://", f"s3://{bucket}/intranet", endpoint, folder / "s3"))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
