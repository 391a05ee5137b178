"""Who may use each endpoint: the expected answers of the authorization matrix, written by hand.

This table is the intended policy, read from the design and the plugins' documentation, not
derived from the code under test. Every endpoint in the URL map needs an entry (a new endpoint
without one fails the matrix test).

Each entry says which of the matrix's users may use the endpoint, asked for with the objects
named in its values (symbolic names resolved from the demo world, see conftest.py):

- `roles`: which of "member", "secretariat" and "admin" may. The matrix member is a plain
  expert: convenes no sub-group, authors no lesson, sponsors no guest, chairs nothing; so what
  only convenors, authors, sponsors or the chair may do appears here as STAFF.
- `guest`: "no" (no guest), "granted" (only the guest whose grants hold the object: the other
  guest must be refused, that is the IDOR check) or "any" (every guest, for their own things).
- `anonymous`: whether someone not signed in may.

Refused means 403 or 404, or sent back with an error message (a flashed "error", as the
sub-groups plugin does for actions the page itself would not offer); an anonymous user is sent
to the login page (401 for htmx and POST).

`post` gives a different rule for POST where the form does more than the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class May:
    roles: tuple[str, ...] = ()
    guest: str = "no"
    anonymous: bool = False

    def allows(self, role: str) -> bool:
        if role == "anonymous":
            return self.anonymous
        if role == "guest":
            return self.guest in ("granted", "any")
        if role == "guest_other":
            return self.guest == "any"
        return role in self.roles


@dataclass(frozen=True)
class Case:
    may: May
    values: dict[str, Any] = field(default_factory=dict)
    post: May | None = None
    query: str = ""

    def rule_for(self, method: str) -> May:
        return self.post if method == "POST" and self.post is not None else self.may


MEMBERS = ("member", "secretariat", "admin")
STAFF = ("secretariat", "admin")

NOBODY = May()
ADMIN_ONLY = May(("admin",))
STAFF_ONLY = May(STAFF)
MEMBERS_ONLY = May(MEMBERS)
GRANTED = May(MEMBERS, guest="granted")
STAFF_AND_GRANTED_GUEST = May(STAFF, guest="granted")
ONLY_GRANTED_GUEST = May(guest="granted")
EVERY_USER = May(MEMBERS, guest="any")
GUESTS_ONLY = May(guest="any")
PUBLIC = May(MEMBERS, guest="any", anonymous=True)


def case(may: May, post: May | None = None, query: str = "", **values: Any) -> Case:
    return Case(may, values, post, query)


TABLE: dict[str, Case | list[Case]] = {
    # --- core: dashboard, account, notifications, search ---
    "views.dashboard": case(EVERY_USER),
    "views.welcome_widget": case(EVERY_USER),
    "views.healthz": case(PUBLIC),  # the load balancer's and the benchmark's bare route
    "auth.login": case(PUBLIC),
    "auth.logout": case(EVERY_USER),
    "auth.forgot_password": case(PUBLIC),
    "auth.reset_password": case(PUBLIC, token="reset_token"),
    "auth.change_password": case(EVERY_USER),
    "auth.sign_out_others": case(EVERY_USER),
    "auth.sign_out_everywhere": case(EVERY_USER),
    "twofactor.verify": case(PUBLIC),
    "twofactor.security": case(EVERY_USER),
    "twofactor.confirm": case(EVERY_USER),
    "twofactor.disable": case(EVERY_USER),
    "twofactor.recovery_codes": case(EVERY_USER),
    "profile.edit": case(EVERY_USER),
    "search.index": case(EVERY_USER),
    "notifications.index": case(EVERY_USER),
    "notifications.mark_read": case(ONLY_GRANTED_GUEST),  # the notification is the guest's
    "notifications.mark_all_read": case(EVERY_USER),
    "static": case(PUBLIC, filename="css/app.css"),
    # --- core: privacy notice, "Download my data" (the export is the granted guest's own) ---
    "privacy.notice": case(PUBLIC),
    "privacy.notice_version": case(PUBLIC, version="notice_version"),
    "privacy.acknowledge": case(EVERY_USER),
    "privacy.my_data": case(EVERY_USER),
    "privacy.request_export": case(EVERY_USER),
    "privacy.export_status": case(ONLY_GRANTED_GUEST, export_id="privacy_export"),  # its owner
    "privacy.download_export": case(ONLY_GRANTED_GUEST, export_id="privacy_export"),
    # --- core: erasure (anyone asks for their own; the secretariat decides) ---
    "erasure.request_erasure": case(EVERY_USER),
    "erasure.cancel_request": case(EVERY_USER),
    # --- core: directory (guests see only the people they work with) ---
    "directory.index": case(MEMBERS_ONLY),
    "directory.delegations": case(MEMBERS_ONLY),
    "directory.delegation": case(MEMBERS_ONLY),
    "directory.export_csv": case(STAFF_ONLY),
    "directory.member_profile": case(GRANTED),  # a member of the granted sub-group only
    "directory.member_vcard": case(GRANTED),
    # --- core: attachments follow their object ---
    "attachments.download": [
        case(GRANTED, attachment_id="group_document"),
        case(GRANTED, attachment_id="agenda_document"),
        case(GRANTED, attachment_id="lesson_document"),  # shared with partners
    ],
    # --- core: administration ---
    "views.admin_plugins": case(ADMIN_ONLY),
    "views.toggle_plugin": case(ADMIN_ONLY, name="example", action="disable"),
    "admin_users.index": case(STAFF_ONLY),
    "admin_users.detail": case(STAFF_ONLY),
    "admin_users.create": case(STAFF_ONLY),
    "admin_users.import_users": case(STAFF_ONLY),
    "admin_users.confirm_import": case(STAFF_ONLY),
    "admin_users.set_active": case(STAFF_ONLY, action="deactivate"),
    "admin_users.resend": case(STAFF_ONLY),
    "admin_users.change_role": case(STAFF_ONLY),
    "delegations.request_change": case(MEMBERS_ONLY),
    "delegations.set_by_staff": case(STAFF_ONLY),
    "delegations.decide": case(STAFF_ONLY, request_id=1, decision="decline"),
    "audit.index": case(STAFF_ONLY),
    "audit.export": case(STAFF_ONLY),
    "reference.countries": case(STAFF_ONLY),
    "reference.edit_country": case(STAFF_ONLY),
    "reference.organisations": case(STAFF_ONLY),
    "reference.edit_organisation": case(STAFF_ONLY),
    "privacy.admin": case(STAFF_ONLY),
    "privacy.edit_notice": case(ADMIN_ONLY),
    "erasure.requests": case(STAFF_ONLY),
    "erasure.confirm": case(STAFF_ONLY, request_id="erasure_request"),
    "erasure.decline": case(STAFF_ONLY, request_id="erasure_request"),
    "erasure.retention_preview": case(STAFF_ONLY),
    "erasure.erase_user": case(ADMIN_ONLY),
    "settings.index": case(ADMIN_ONLY),
    "settings.update": case(ADMIN_ONLY, plugin="partners"),
    # --- example plugin (third party, installed with pip) ---
    "example.index": case(MEMBERS_ONLY),
    "example.show": case(GRANTED),
    "example.widget": case(EVERY_USER),
    # --- sub-groups ---
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
    "subgroups.answer_request": case(STAFF_ONLY, decision="approve"),  # and the convenors
    "subgroups.upload_document": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.delete_document": case(STAFF_ONLY, attachment_id="group_document"),
    "subgroups.new_thread": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.thread": case(GRANTED),
    "subgroups.reply": case(STAFF_AND_GRANTED_GUEST),  # and the group's members
    "subgroups.edit_post": case(NOBODY),  # the author alone, for a short while
    "subgroups.delete_post": case(STAFF_ONLY),  # and the author and the convenors
    # --- partners ---
    "partners.index": case(STAFF_ONLY),  # and members another plugin lets invite
    "partners.invite": case(STAFF_ONLY),
    "partners.bulk": case(STAFF_ONLY),
    "partners.overview": case(STAFF_ONLY),
    "partners.overview_csv": case(STAFF_ONLY),
    "partners.guest": case(STAFF_ONLY),  # and the guest's sponsor
    "partners.guest_access": case(STAFF_ONLY),
    "partners.add_grants": case(STAFF_ONLY),
    "partners.remove_grant": case(STAFF_ONLY),
    "partners.renew": case(STAFF_ONLY),
    "partners.resend": case(STAFF_ONLY),
    "partners.revoke": case(STAFF_ONLY),
    "partners.me": case(GUESTS_ONLY),
    "partners.widget": case(EVERY_USER),
    "partners_invite.accept": case(PUBLIC, token="invite_token"),
    "partners_invite.ask_for_new_link": case(PUBLIC, token="invite_token"),
    # --- meetings ---
    "meetings.index": case(EVERY_USER),
    "meetings.next_meetings": case(EVERY_USER),
    "meetings.my_actions": case(EVERY_USER),
    "meetings.feed_settings": case(EVERY_USER),
    "meetings.regenerate_feed": case(EVERY_USER),
    "meetings.revoke_feed": case(EVERY_USER),
    "meetings_feed.feed": case(PUBLIC, token="feed_token"),  # the secret address is the key
    "meetings.static": case(PUBLIC, filename="meetings.css"),
    "meetings.create": case(STAFF_ONLY),
    "meetings.show": case(GRANTED),
    "meetings.meeting_ics": case(GRANTED),
    "meetings.respond": case(GRANTED),
    "meetings.edit": case(STAFF_ONLY),
    "meetings.invite": case(STAFF_ONLY),
    "meetings.participants": case(STAFF_ONLY),
    "meetings.participants_csv": case(STAFF_ONLY),
    "meetings.attendance": case(STAFF_ONLY),
    "meetings.minutes": case(STAFF_ONLY),
    "meetings.add_decision": case(STAFF_ONLY),
    "meetings.add_action_item": case(STAFF_ONLY),
    "meetings.action_status": case(STAFF_AND_GRANTED_GUEST, item_id="action_item"),  # its owner
    "meetings.add_agenda_item": case(STAFF_ONLY),
    "meetings.edit_agenda_item": case(STAFF_ONLY, item_id="agenda_item"),
    "meetings.delete_agenda_item": case(STAFF_ONLY, item_id="agenda_item"),
    "meetings.reorder_agenda": case(STAFF_ONLY),
    "meetings.publish_agenda": case(STAFF_ONLY),
    "meetings.agenda_item_documents": case(STAFF_ONLY, item_id="agenda_item"),
    # one occurrence of the granted series: its page follows the series, changes are staff's
    "meetings.show_occurrence": case(GRANTED, meeting_id="series_meeting", day="occurrence_day"),
    "meetings.edit_occurrence": case(STAFF_ONLY, meeting_id="series_meeting", day="occurrence_day"),
    "meetings.cancel_occurrence": case(
        STAFF_ONLY, meeting_id="series_meeting", day="occurrence_day"
    ),
    "meetings.reset_occurrence": case(
        STAFF_ONLY, meeting_id="series_meeting", day="occurrence_day"
    ),
    "meetings.delete_agenda_document": case(
        STAFF_ONLY, item_id="agenda_item", attachment_id="agenda_document"
    ),
    # --- lessons (the granted lesson is shared with the task force only) ---
    "lessons.index": case(EVERY_USER),
    "lessons.export": case(EVERY_USER),  # guests get only what they may see
    "lessons.feed": case(PUBLIC),
    "lessons.public_index": case(PUBLIC),
    "lessons.public_show": case(PUBLIC, lesson_id="public_lesson"),
    "lessons.public_file": case(PUBLIC, lesson_id="public_lesson", attachment_id="public_document"),
    "lessons.static": case(PUBLIC, filename="lessons.css"),
    "lessons.recent_widget": case(EVERY_USER),
    "lessons.review_widget": case(STAFF_ONLY),  # the reviewers
    "lessons.coverage": case(MEMBERS_ONLY),
    "lessons.similar": case(MEMBERS_ONLY),
    "lessons.create": case(MEMBERS_ONLY),
    "lessons.show": case(GRANTED),
    # history, diffs, review comments and a change waiting for review: the author and reviewers
    "lessons.history": [case(STAFF_ONLY), case(STAFF_ONLY, lesson_id="changed_lesson")],
    "lessons.diff": [
        case(STAFF_ONLY, query="from=1&to=1"),
        case(STAFF_ONLY, lesson_id="changed_lesson", query="from=1&to=2"),
    ],
    "lessons.comment": case(GRANTED),
    "lessons.endorse": case(GRANTED),
    "lessons.documents_page": case(STAFF_ONLY),  # managing documents: authors, reviewers
    "lessons.document_delete": case(STAFF_ONLY, attachment_id="lesson_document"),
    "lessons.document_sharing": case(STAFF_ONLY, attachment_id="lesson_document"),
    "lessons.edit": [  # and the author; a published lesson's edit waits for review
        case(STAFF_ONLY),
        case(STAFF_ONLY, lesson_id="changed_lesson"),
    ],
    "lessons.submit": case(STAFF_ONLY),  # and the author
    "lessons.review": [  # the reviewers: a submitted lesson, a change to a published one
        case(STAFF_ONLY, lesson_id="submitted_lesson"),
        case(STAFF_ONLY, lesson_id="changed_lesson"),
    ],
    "lessons.editors": case(STAFF_ONLY),
    "lessons.remove_editor": case(STAFF_ONLY),
    "lessons.initiatives": case(MEMBERS_ONLY),
    "lessons.initiative": case(MEMBERS_ONLY),
    "lessons.initiative_new": case(MEMBERS_ONLY),
    "lessons.initiative_form": case(STAFF_ONLY),  # and whoever registered it, and reviewers
    # --- governance (the chair, a member state's expert, may also steer) ---
    "governance.index": case(MEMBERS_ONLY),
    "governance.static": case(PUBLIC, filename="governance.css"),
    "governance.chair_widget": case(MEMBERS_ONLY),
    "governance.mandate_widget": case(MEMBERS_ONLY),
    "governance.chairmanship_list": case(MEMBERS_ONLY),
    "governance.chair_new": case(STAFF_ONLY),
    "governance.chair_edit": case(STAFF_ONLY),
    "governance.chair_delete": case(STAFF_ONLY),
    "governance.chair_generate": case(STAFF_ONLY),
    "governance.mandate_list": case(MEMBERS_ONLY),
    "governance.mandate_new": case(STAFF_ONLY),
    "governance.mandate_prolong": case(STAFF_ONLY),
    "governance.document_show": case(MEMBERS_ONLY),
    "governance.revision_show": case(MEMBERS_ONLY),
    "governance.revision_diff": case(MEMBERS_ONLY, query="from=1&to=1"),
    "governance.propose": case(MEMBERS_ONLY),
    "governance.revise": case(STAFF_ONLY),
    "governance.proposal_show": case(MEMBERS_ONLY),
    "governance.proposal_accept": case(STAFF_ONLY),
    "governance.proposal_reject": case(STAFF_ONLY),
    "governance.report_list": case(MEMBERS_ONLY),
    "governance.report_show": case(MEMBERS_ONLY),
    "governance.report_markdown": case(MEMBERS_ONLY),
    "governance.report_pdf": case(MEMBERS_ONLY),
    "governance.report_new": case(STAFF_ONLY),
    "governance.report_edit": case(STAFF_ONLY, report_id="draft_report"),
    "governance.report_submit": case(STAFF_ONLY, report_id="draft_report"),
    "governance.settings_edit": case(STAFF_ONLY),
}


def cases(endpoint: str) -> list[Case]:
    entry = TABLE[endpoint]
    return entry if isinstance(entry, list) else [entry]
