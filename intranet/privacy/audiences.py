"""Who sees which field of a member's profile, worked out by the directory's own rules."""

from __future__ import annotations

from dataclasses import dataclass

from intranet.directory.members import visible_contact
from intranet.models import User


@dataclass(frozen=True)
class FieldAudience:
    """Who sees one field of a profile: `seen_by` and `not_seen_by` name groups of people."""

    label: str
    seen_by: list[str]
    not_seen_by: list[str]
    note: str = ""


AUDIENCES = (
    ("members", "member"),
    ("the secretariat", "secretariat"),
    ("administrators", "admin"),
    ("guests", "guest"),
)
READABLE_FIELDS = (
    ("Name", "name"),
    ("Position", "position"),
    ("Organisation", "organisation_id"),
    ("Country", "country_code"),
    ("Expertise", "expertise"),
    ("Languages", "languages"),
    ("About you", "bio"),
    ("Local time (your time zone)", "timezone"),
)
GUEST_NOTE = (
    "Guests see your profile only where a plugin lets them, e.g. partners working with you in a "
    "sub-group or meeting they were granted."
)


def field_audiences(member: User) -> list[FieldAudience]:
    """Who sees each field of `member`'s profile, worked out by the directory's own rules."""
    rows = []
    probe = User(  # the member's visibility choices, with both details filled in
        id=-1,
        email="someone@example.org",
        phone="+0",
        email_visibility=member.email_visibility,
        phone_visibility=member.phone_visibility,
    )
    for label, key in (("Email", "email"), ("Phone", "phone")):
        seen = {
            role for _, role in AUDIENCES if key in visible_contact(probe, User(id=-2, role=role))
        }
        rows.append(
            FieldAudience(
                label,
                [group for group, role in AUDIENCES if role in seen],
                [group for group, role in AUDIENCES if role not in seen],
                "" if getattr(member, key) else "Not given.",
            )
        )
    profile_readers = [group for group, role in AUDIENCES if role != "guest"]
    for label, key in READABLE_FIELDS:
        given = getattr(member, key)
        rows.append(
            FieldAudience(
                label,
                [*profile_readers, "guests working with you"],
                ["other guests"],
                "" if given else "Not given.",
            )
        )
    rows.append(
        FieldAudience(
            "Notification preference",
            [],
            [group for group, _ in AUDIENCES],
            "Only you; it decides how you are told about news.",
        )
    )
    return rows
