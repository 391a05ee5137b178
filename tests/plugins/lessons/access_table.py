"""The expected access of the lessons plugin's routes, for the core's authorization matrix.

Lessons (the granted lesson is shared with the task force only).
"""

from __future__ import annotations

from intranet.testing_access import (
    EVERY_USER,
    GRANTED,
    MEMBERS_ONLY,
    PUBLIC,
    STAFF_ONLY,
    Case,
    case,
)

TABLE: dict[str, Case | list[Case]] = {
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
    "lessons.initiative_subgroups": case(MEMBERS_ONLY),
    "lessons.initiative_form": case(STAFF_ONLY),  # and whoever registered it, and reviewers
}
