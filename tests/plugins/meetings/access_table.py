"""The expected access of the meetings plugin's routes, for the core's authorization matrix."""

from __future__ import annotations

from intranet.testing_access import (
    EVERY_USER,
    GRANTED,
    PUBLIC,
    STAFF_AND_GRANTED_GUEST,
    STAFF_ONLY,
    Case,
    case,
)

TABLE: dict[str, Case | list[Case]] = {
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
    "meetings.approve_previous_minutes": case(STAFF_ONLY),
    "meetings.copy_previous_agenda": case(STAFF_ONLY),
    "meetings.add_decision": case(STAFF_ONLY),
    "meetings.register": case(EVERY_USER),  # a guest's register lists only granted meetings
    "meetings.preview_dates": case(STAFF_ONLY),
    "meetings.pick": case(STAFF_ONLY, query="field=series&series_q=a"),
    "meetings.edit_decision": case(STAFF_ONLY, decision_id="decision"),
    "meetings.confirm_delete_decision": case(STAFF_ONLY, decision_id="decision"),
    "meetings.delete_decision": case(STAFF_ONLY, decision_id="decision"),
    "meetings.edit_action_item": case(STAFF_ONLY, item_id="action_item"),
    "meetings.confirm_delete_action_item": case(STAFF_ONLY, item_id="action_item"),
    "meetings.delete_action_item": case(STAFF_ONLY, item_id="action_item"),
    "meetings.add_action_item": case(STAFF_ONLY),
    "meetings.action_status": case(STAFF_AND_GRANTED_GUEST, item_id="action_item"),  # its owner
    "meetings.add_action_note": case(STAFF_AND_GRANTED_GUEST, item_id="action_item"),  # owner
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
}
