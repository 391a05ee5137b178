"""The member directory, delegations, member profiles and their exports (vCard, CSV)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, MEMBERS, STAFF, roles
from intranet.directory import counts
from intranet.directory.listing import SORTS, DirectoryFilter, accounts, country_names
from intranet.extensions import db
from intranet.models import ORGANISATION_KINDS, ROLE_LABELS, Country, Organisation, User, utcnow
from intranet.platform import plugins
from intranet.platform.spreadsheet import spreadsheet_cell
from intranet.values import ResourceRef
from intranet.web import wants_fragment
from intranet.zones import time_zone

bp = Blueprint("directory", __name__)

PER_PAGE = 25
# A delegation can have thousands of experts: its page lists them a page at a time.
DELEGATION_PAGE_SIZE = 100


def countries_by_code() -> dict[str, str]:
    """Country names by code, in the order of the names."""
    return country_names()


def expertise_tags(member: User) -> list[str]:
    tags = [tag.strip() for tag in (member.expertise or "").split(",")]
    return list(dict.fromkeys(tag for tag in tags if tag))


def initials(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalpha()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


def visible_contact(member: User, viewer: User) -> dict[str, str]:
    """The contact details `viewer` may see: the member and staff see all; other members what
    the member shows to members; guests none."""
    contact = {"email": member.email, "phone": member.phone or ""}
    if viewer.id == member.id or viewer.is_staff:
        return {key: value for key, value in contact.items() if value}
    if viewer.is_guest:
        return {}
    shown = {"email": member.email_visibility, "phone": member.phone_visibility}
    return {key: value for key, value in contact.items() if value and shown[key] == "members"}


def local_time(member: User) -> datetime:
    return utcnow().astimezone(time_zone(member.timezone))


def viewable_member(member_id: int) -> User:
    """The member whose profile the current user may open, or 404 (also for what it may not)."""
    member = db.session.scalar(
        sa.select(User)
        .options(selectinload(User.organisation).selectinload(Organisation.country))
        .where(User.id == member_id)
    )
    if member is None or (not member.is_active_account and not current_user.is_staff):
        abort(404)
    if member.id != current_user.id and not plugins.can(
        current_user, "directory.view_member", ResourceRef("user", member.id)
    ):
        abort(404)
    return member


@bp.get("/directory")
@roles(*MEMBERS)
def index() -> str:
    directory_filter = DirectoryFilter.from_args(request.args)
    total = directory_filter.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    members = directory_filter.page(PER_PAGE, (page - 1) * PER_PAGE)
    context = {
        "members": members,
        "total": total,
        "page": page,
        "pages": pages,
        "filter": directory_filter,
        "countries": countries_by_code(),
        "expertise_tags": expertise_tags,
    }
    if wants_fragment():
        return render_template("directory/_results.html", **context)
    return render_template(
        "directory/index.html",
        kinds=ORGANISATION_KINDS,
        roles={role: ROLE_LABELS[role] for role in MEMBERS},
        sorts=SORTS,
        **context,
    )


@bp.get("/directory.csv")
@roles(*STAFF)
def export_csv() -> Response:
    directory_filter = DirectoryFilter.from_args(request.args)
    countries = countries_by_code()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Name",
            "Email",
            "Role",
            "Country",
            "Organisation",
            "Organisation kind",
            "Position",
            "Phone",
            "Expertise",
            "Languages",
        ]
    )
    for member in db.session.scalars(directory_filter.statement()):
        country = countries.get(member.country_code or "")
        organisation = member.organisation
        row = [
            member.name,
            member.email,
            member.role_label,
            country or member.country_code or "",
            organisation.name if organisation else "",
            organisation.kind_label if organisation else "",
            member.position or "",
            member.phone or "",
            ", ".join(expertise_tags(member)),
            member.languages or "",
        ]
        writer.writerow([spreadsheet_cell(value) for value in row])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="directory.csv"'},
    )


@bp.get("/delegations")
@roles(*MEMBERS)
def delegations() -> str:
    sizes = counts.delegation_sizes()
    countries = db.session.scalars(
        sa.select(Country).order_by(Country.kind != "member", Country.name)
    ).all()
    rows = [(country, sizes.get(country.code, 0)) for country in countries]
    return render_template(
        "directory/delegations.html",
        rows=rows,
        without_experts=[country for country, heads in rows if heads == 0],
    )


@bp.get("/delegations/<code>")
@roles(*MEMBERS)
def delegation(code: str) -> str:
    country = db.session.get(Country, code.upper())
    if country is None:
        abort(404)
    by_organisation = DirectoryFilter(country=country.code, sort="organisation")
    members = db.paginate(  # a page of ids, read in the index's rows (DirectoryFilter.page)
        by_organisation.statement(ids_only=True),
        page=request.args.get("page", 1, type=int),
        per_page=DELEGATION_PAGE_SIZE,
        error_out=False,
        count=False,
    )
    members.items = accounts(members.items)
    members.total = counts.delegation_sizes().get(country.code, 0)  # the same members, kept
    groups: dict[str, list[User]] = defaultdict(list)
    for member in members.items:
        groups[member.organisation.name if member.organisation else ""].append(member)
    return render_template(
        "directory/delegation.html",
        country=country,
        groups=list(groups.items()),
        members=members,
    )


@bp.get("/members/<int:member_id>")
@roles(*EVERYONE)
def member_profile(member_id: int) -> str:
    member = viewable_member(member_id)
    country = db.session.get(Country, member.country_code) if member.country_code else None
    return render_template(
        "directory/member.html",
        member=member,
        country=country,
        tags=expertise_tags(member),
        contact=visible_contact(member, current_user),
        local_time=local_time(member),
        sections=plugins.collect(
            "intranet_profile_sections", member=member, viewer=current_user._get_current_object()
        ),
    )


def vcard_escape(value: str) -> str:
    """A text value as RFC 6350 (3.4) escapes it; any line break, a bare CR too, becomes \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def vcard_fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a character."""
    chunks: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not chunks else 74):
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def vcard(member: User, contact: dict[str, str], country: Country | None) -> str:
    names = member.name.split()
    family, given = (names[-1], " ".join(names[:-1])) if len(names) > 1 else (member.name, "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"FN:{vcard_escape(member.name)}",
        f"N:{vcard_escape(family)};{vcard_escape(given)};;;",
    ]
    if member.organisation:
        lines.append(f"ORG:{vcard_escape(member.organisation.name)}")
    if member.position:
        lines.append(f"TITLE:{vcard_escape(member.position)}")
    if "email" in contact:
        lines.append(f"EMAIL;TYPE=work:{vcard_escape(contact['email'])}")
    if "phone" in contact:
        lines.append(f"TEL;VALUE=text;TYPE=work:{vcard_escape(contact['phone'])}")
    if country:
        lines.append(f"ADR;TYPE=work:;;;;;;{vcard_escape(country.name)}")
    tags = expertise_tags(member)
    if tags:
        lines.append("CATEGORIES:" + ",".join(vcard_escape(tag) for tag in tags))
    lines.append(f"TZ;VALUE=text:{vcard_escape(member.timezone)}")
    lines.append("END:VCARD")
    return "".join(vcard_fold(line) + "\r\n" for line in lines)


@bp.get("/members/<int:member_id>.vcf")
@roles(*EVERYONE)
def member_vcard(member_id: int) -> Response:
    member = viewable_member(member_id)
    country = db.session.get(Country, member.country_code) if member.country_code else None
    body = vcard(member, visible_contact(member, current_user), country)
    return Response(
        body,
        mimetype="text/vcard",
        headers={"Content-Disposition": f'attachment; filename="member-{member.id}.vcf"'},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
