"""A small loopback IMAP4rev1 server for the mail-poll tests: just enough for imaplib.

LOGIN, SELECT, SEARCH UNSEEN, FETCH (BODY.PEEK[] or RFC822), STORE +FLAGS, COPY, EXPUNGE,
NOOP and LOGOUT, on single message numbers or (with UID) single UIDs. Folders are lists of
`Message` shared by every connection, so two pollers (two hosts) see the same mailbox.
"""

from __future__ import annotations

import itertools
import re
import socketserver
import threading
from dataclasses import dataclass, field

USER, PASSWORD = "replies@example.org", 'pa"ss word'


_uids = itertools.count(1)


@dataclass
class Message:
    raw: bytes
    flags: set[str] = field(default_factory=set)
    uid: int = field(default_factory=lambda: next(_uids))


def words(line: str) -> list[str]:
    """The arguments of a command line: atoms, "quoted strings" and (parenthesised lists)."""
    found = re.findall(r'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)', line)
    return [
        re.sub(r"\\(.)", r"\1", quoted) if quoted else (group or atom)
        for quoted, group, atom in found
    ]


class Handler(socketserver.StreamRequestHandler):
    server: Server

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready")
        self.folder: list[Message] | None = None
        authenticated = False
        for raw in self.rfile:
            tag, _, rest = raw.decode().rstrip("\r\n").partition(" ")
            command, *args = words(rest)
            command = command.upper()
            with self.server.lock:
                if command == "LOGOUT":
                    self.send("* BYE see you")
                    self.send(f"{tag} OK LOGOUT completed")
                    return
                if command == "CAPABILITY":
                    self.send("* CAPABILITY IMAP4rev1")
                elif command == "NOOP":
                    pass
                elif command == "LOGIN":
                    authenticated = args == [USER, PASSWORD]
                    if not authenticated:
                        self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong user or password")
                        continue
                elif not authenticated:
                    self.send(f"{tag} BAD log in first")
                    continue
                elif not self.command(command, args):
                    self.send(f"{tag} BAD {command} is not supported here")
                    continue
                self.send(f"{tag} OK {command} completed")

    def command(self, command: str, args: list[str]) -> bool:
        folders = self.server.folders
        by_uid = command == "UID"
        if by_uid:
            command, args = args[0].upper(), args[1:]
        if command == "SELECT":
            self.folder = folders.setdefault(
                args[0].upper() if args[0].upper() == "INBOX" else args[0], []
            )
            self.send(f"* {len(self.folder)} EXISTS")
            self.send("* FLAGS (\\Seen \\Deleted)")
            return True
        if self.folder is None:
            return False
        if command == "SEARCH" and [a.upper() for a in args] == ["UNSEEN"]:
            unseen = [
                str(m.uid if by_uid else n)
                for n, m in enumerate(self.folder, 1)
                if "\\Seen" not in m.flags
            ]
            self.send(" ".join(["* SEARCH", *unseen]))
            return True
        if command == "EXPUNGE":
            return self.expunge()
        number = self.number(args[0], by_uid) if args and args[0].isdigit() else None
        if number is None:  # a UID that is gone is no error, as in RFC 3501
            return by_uid and command in ("FETCH", "STORE", "COPY")
        message = self.folder[number - 1]
        uid = f"UID {message.uid} " if by_uid else ""
        if command == "FETCH" and args[1].upper() in (
            "(BODY.PEEK[])",
            "BODY.PEEK[]",
            "(RFC822)",
            "RFC822",
        ):
            item = "RFC822" if "RFC822" in args[1].upper() else "BODY[]"
            if item == "RFC822":
                message.flags.add("\\Seen")
            self.send(f"* {number} FETCH ({uid}{item} {{{len(message.raw)}}}".encode())
            self.wfile.write(message.raw)
            self.send(")")
            return True
        if command == "STORE" and args[1].upper() == "+FLAGS":
            message.flags.update(args[2].strip("()").split())
            flags = " ".join(sorted(message.flags))
            self.send(f"* {number} FETCH ({uid}FLAGS ({flags}))")
            return True
        if command == "COPY":
            folders.setdefault(args[1], []).append(Message(message.raw, set(message.flags)))
            return True
        return False

    def number(self, given: str, by_uid: bool) -> int | None:
        """The message number of a number or UID in the selected folder (None: no such)."""
        assert self.folder is not None
        if by_uid:
            found = [n for n, m in enumerate(self.folder, 1) if m.uid == int(given)]
            return found[0] if found else None
        return int(given) if 0 < int(given) <= len(self.folder) else None

    def expunge(self) -> bool:
        assert self.folder is not None
        for number in range(len(self.folder), 0, -1):
            if "\\Deleted" in self.folder[number - 1].flags:
                del self.folder[number - 1]
                self.send(f"* {number} EXPUNGE")
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.folders: dict[str, list[Message]] = {"INBOX": []}
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.lock:
            self.folders.setdefault(folder, []).append(Message(raw))

    def start(self) -> Server:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
