"""The expected access of the sub-groups plugin's routes, for the core's authorization matrix."""

from __future__ import annotations

from intranet.testing_access import (
    EVERY_USER,
    GRANTED,
    MEMBERS_ONLY,
    NOBODY,
    STAFF_AND_GRANTED_GUEST,
    STAFF_ONLY,
    Case,
    case,
)

TABLE: dict[str, Case | list[Case]] = {
    "subgroups.index": case(EVERY_USER),
    "subgroups.my_groups": case(EVERY_USER),
    "subgroups.propose": case(MEMBERS_ONLY),
    "subgroups.check_similar": case(MEMBERS_ONLY),
    "subgroups.similar": case(MEMBERS_ONLY),
    "subgroups.show": case(GRANTED),
    "subgroups.decide": case(STAFF_ONLY, decision="approve"),
    "subgroups.join": case(MEMBERS_ONLY),
    "subgroups.leave": case(GRANTED),
    "subgroups.invite": case(STAFF_ONLY),  # and the convenors
    "subgroups.extend": case(STAFF_ONLY),  # and the convenors
    "subgroups.mailing_list": case(STAFF_ONLY),  # and the convenors
    "subgroups.answer_request": case(STAFF_ONLY, decision="approve"),  # and the convenors
    "subgroups.upload_document": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.delete_document": case(STAFF_ONLY, attachment_id="group_document"),
    "subgroups.new_thread": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.thread": case(GRANTED),
    "subgroups.reply": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.edit_post": case(NOBODY),  # the author alone, for a short while
    "subgroups.delete_post": case(STAFF_ONLY),  # and the author and the convenors
}
