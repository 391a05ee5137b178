"""The expected access of the governance plugin's routes, for the core's authorization matrix.

Governance (the chair, a member state's expert, may also steer).
"""

from __future__ import annotations

from intranet.testing_access import MEMBERS_ONLY, PUBLIC, STAFF_ONLY, Case, case

TABLE: dict[str, Case | list[Case]] = {
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
