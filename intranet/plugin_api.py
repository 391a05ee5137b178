"""The public plugin API: everything a plugin may import from the core lives here.

Plugins (bundled or installed with pip) use only this module and the hook specifications in
`intranet.hookspecs`. Hooks return the plain dataclasses below, never HTML strings.
"""

from __future__ import annotations

from intranet.access import EVERYONE, MEMBERS, STAFF, declared_access, public, roles
from intranet.accounts.security import hash_password, password_problem
from intranet.accounts.sessions import start_session
from intranet.accounts.users import organisation_for
from intranet.administration.settings import (
    rearranged,
    save_settings,
    setting,
    settings_form,
    submitted_values,
)
from intranet.confirm import confirmation
from intranet.countries import (
    COUNTRY_ERROR,
    CountryField,
    country_choices,
    country_code,
    country_name,
)
from intranet.extensions import db
from intranet.forms import Form
from intranet.hookspecs import hookimpl
from intranet.models import User, UTCDateTime, utcnow
from intranet.picker import find_people, people_named, picker_query
from intranet.platform.attachments import (
    Attachment,
    AttachmentError,
    attachment_response,
    attachments_for,
    delete_attachment,
    discard_attachment,
    save_upload,
)
from intranet.platform.audit import record as record_audit
from intranet.platform.audit import ref_ids as audit_ref_ids
from intranet.platform.fulltext import fts5_match
from intranet.platform.grants import contains_words, grantable_resources
from intranet.platform.mail import MailAttachment, MailError, external_url, send_mail
from intranet.platform.markdown import render_markdown
from intranet.platform.notifications import Notification, NotifyResult, notify
from intranet.platform.plugins import (
    can,
    can_many,
    collect,
    disabled_plugins,
    is_enabled,
    notify_event,
    permitted_refs,
    similar_work,
)
from intranet.platform.replies import refuse_reply_text
from intranet.platform.scale import SCALE_VOCABULARY, bulk_insert, next_id, scale_words
from intranet.platform.spreadsheet import spreadsheet_cell
from intranet.platform.stamps import cached as cached_figures
from intranet.platform.stamps import changed as figures_changed
from intranet.platform.stamps import watch as watch_tables
from intranet.privacy.erasure import FORMER_MEMBER, anonymise_text
from intranet.undo import UNDO_MINUTES, TooLateToUndo, Undone, offer_undo, undoable
from intranet.values import (
    REPORT_ROWS,
    AuditKind,
    AuditTarget,
    Banner,
    GrantableResource,
    MailReplyResult,
    NavItem,
    Period,
    PersonalDataKind,
    ProfileSection,
    ReportSection,
    ResourceRef,
    ScalePeople,
    ScheduledJob,
    SearchResult,
    SearchTotal,
    Setting,
    SimilarItem,
    Widget,
)
from intranet.web import plural, render_form, wants_fragment
from intranet.zones import (
    COUNTRY_ZONES,
    ZoneField,
    is_zone,
    known_zone,
    time_zone,
    zone_choices,
    zone_label,
)

__all__ = [
    "COUNTRY_ERROR",
    "COUNTRY_ZONES",
    "EVERYONE",
    "FORMER_MEMBER",
    "MEMBERS",
    "REPORT_ROWS",
    "SCALE_VOCABULARY",
    "STAFF",
    "UNDO_MINUTES",
    "Attachment",
    "AttachmentError",
    "AuditKind",
    "AuditTarget",
    "Banner",
    "CountryField",
    "Form",
    "GrantableResource",
    "MailAttachment",
    "MailError",
    "MailReplyResult",
    "NavItem",
    "Notification",
    "NotifyResult",
    "Period",
    "PersonalDataKind",
    "ProfileSection",
    "ReportSection",
    "ResourceRef",
    "ScalePeople",
    "ScheduledJob",
    "SearchResult",
    "SearchTotal",
    "Setting",
    "SimilarItem",
    "TooLateToUndo",
    "UTCDateTime",
    "Undone",
    "User",
    "Widget",
    "ZoneField",
    "anonymise_text",
    "attachment_response",
    "attachments_for",
    "audit_ref_ids",
    "bulk_insert",
    "cached_figures",
    "can",
    "can_many",
    "collect",
    "confirmation",
    "contains_words",
    "country_choices",
    "country_code",
    "country_name",
    "db",
    "declared_access",
    "delete_attachment",
    "disabled_plugins",
    "discard_attachment",
    "external_url",
    "figures_changed",
    "find_people",
    "fts5_match",
    "grantable_resources",
    "hash_password",
    "hookimpl",
    "is_enabled",
    "is_zone",
    "known_zone",
    "next_id",
    "notify",
    "notify_event",
    "offer_undo",
    "organisation_for",
    "password_problem",
    "people_named",
    "permitted_refs",
    "picker_query",
    "plural",
    "public",
    "rearranged",
    "record_audit",
    "refuse_reply_text",
    "render_form",
    "render_markdown",
    "roles",
    "save_settings",
    "save_upload",
    "scale_words",
    "send_mail",
    "setting",
    "settings_form",
    "similar_work",
    "spreadsheet_cell",
    "start_session",
    "submitted_values",
    "time_zone",
    "undoable",
    "utcnow",
    "wants_fragment",
    "watch_tables",
    "zone_choices",
    "zone_label",
]
