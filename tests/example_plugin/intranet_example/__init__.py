"""Example notes: a third-party plugin used by the test suite."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    GrantableResource,
    NavItem,
    ReportSection,
    ResourceRef,
    SearchResult,
    User,
    Widget,
    can,
    can_many,
    db,
    hookimpl,
    plural,
    roles,
)

__version__ = "1.2.0"

EVENTS: list[tuple[str, object]] = []

bp = Blueprint("example", __name__, url_prefix="/example", template_folder="templates")


class ExampleNote(db.Model):
    __tablename__ = "example_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    notes = db.session.scalars(select(ExampleNote).order_by(ExampleNote.id)).all()
    return render_template("intranet_example/index.html", notes=notes)


@bp.get("/notes/<int:note_id>")
@roles(*EVERYONE)
def show(note_id: int) -> str:
    """A note, also for guests the note was shared with (checked object by object)."""
    note = db.get_or_404(ExampleNote, note_id)
    if not can(current_user, "example.view", ResourceRef("example.note", note.id)):
        abort(404)
    return render_template("intranet_example/note.html", note=note)


@bp.get("/widget")
@roles(*EVERYONE)
def widget() -> str:
    return "<p>Example widget body</p>"


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def intranet_nav_items(user: object) -> list[NavItem]:
    return [NavItem("Example notes", url_for("example.index"), order=50)]


@hookimpl
def intranet_dashboard_widgets(user: object) -> list[Widget]:
    return [Widget("example", "Example widget", url_for("example.widget"))]


@hookimpl
def intranet_search(query: str, user: object, limit: int) -> list[SearchResult]:
    notes = db.session.scalars(
        select(ExampleNote).where(ExampleNote.text.contains(query)).limit(limit)
    ).all()
    visible = can_many(user, "example.view", "example.note", [note.id for note in notes])
    return [
        SearchResult("Example note", note.text, url_for("example.index"))
        for note in notes
        if note.id in visible
    ]


@hookimpl
def intranet_report_sections(start: object, end: object, user: object) -> list[ReportSection]:
    notes = db.session.scalars(select(ExampleNote.text).order_by(ExampleNote.id)).all()
    return [
        ReportSection(
            "Example notes", f"{plural(len(notes), 'note')}.", ["Note"], [[n] for n in notes]
        )
    ]


@hookimpl
def intranet_grantable_resources(user: object) -> list[GrantableResource]:
    notes = db.session.scalars(select(ExampleNote).order_by(ExampleNote.id))
    return [
        GrantableResource(
            ResourceRef("example.note", note.id),
            f"Note: {note.text}",
            url_for("example.show", note_id=note.id),
        )
        for note in notes
    ]


@hookimpl
def intranet_permission(user: object, action: str, resource: ResourceRef | None) -> bool | None:
    if action == "example.veto":
        return False
    if action == "example.allow-guest":
        return True
    return None


@hookimpl
def intranet_user_created(user: User) -> None:
    EVENTS.append(("user_created", user))
    if "Explode" in user.name:
        raise RuntimeError("example plugin failed on purpose")


@hookimpl
def intranet_plugin_enabled(name: str) -> None:
    EVENTS.append(("plugin_enabled", name))


@hookimpl
def intranet_plugin_disabled(name: str) -> None:
    EVENTS.append(("plugin_disabled", name))
