"""Mail servers on loopback for tests and benchmarks: a recording SMTP server (aiosmtpd) and a
front that can hang (accept connections and never answer) or pass through to it."""

from __future__ import annotations

import contextlib
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(envelope.original_content)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        parser = BytesParser(policy=policy.default)
        with self.lock:
            return [parser.parsebytes(raw) for raw in self.messages]  # type: ignore[misc]


class RecordingServer:
    """A real SMTP server on 127.0.0.1 that records what it accepts."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def __enter__(self) -> RecordingServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()


class HangingFront:
    """Listens on its own port. While `hanging`, it accepts connections and never says a word
    (the mail server that hangs); otherwise it relays each connection to `backend_port`."""

    def __init__(self, backend_port: int) -> None:
        self.backend_port = backend_port
        self.hanging = True
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if self.hanging:
                self.held.append(client)
                continue
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
            for source, target in ((client, backend), (backend, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    def recover(self) -> None:
        self.hanging = False

    def close(self) -> None:
        self.closed = True
        self.listener.close()
        for held in self.held:
            held.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
