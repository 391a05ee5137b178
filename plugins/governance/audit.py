"""How the governance plugin's audit events read, and the names of the objects they refer to."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from intranet.plugin_api import AuditKind, AuditTarget, audit_ref_ids, country_name, db

from .documents import DOCUMENTS
from .models import ChairPeriod, Proposal, Report

K = AuditKind

AUDIT_KINDS = [
    K(
        "governance.chair_period.created",
        "Chairmanship period added",
        "{actor} added the chairmanship period {target}",
    ),
    K(
        "governance.chair_period.changed",
        "Chairmanship period changed",
        "{actor} changed the chairmanship period {target}",
    ),
    K(
        "governance.chair_period.deleted",
        "Chairmanship period deleted",
        "{actor} deleted the chairmanship period {target}",
    ),
    K(
        "governance.chair_period.generated",
        "Chairmanship years added from the rotation",
        "{actor} added chairmanship years from the rotation ({count})",
    ),
    K("governance.settings.changed", "Governance settings changed", "{actor} changed the rotation"),
    K(
        "governance.mandate.recorded",
        "Mandate recorded",
        "{actor} recorded the mandate of the task force until {end}",
    ),
    K("governance.revised", "Text revised", "{actor} adopted {target}"),
    K(
        "governance.proposal.accepted",
        "Proposal accepted",
        "{actor} accepted {target}",
    ),
    K("governance.proposal.rejected", "Proposal rejected", "{actor} rejected {target}"),
    K("governance.report.submitted", "Report submitted", "{actor} submitted the report {target}"),
]


def period_name(period: ChairPeriod) -> str:
    return (
        f"{period.start.strftime('%-d %B %Y')} to {period.end.strftime('%-d %B %Y')} "
        f"({country_name(period.country_code)})"
    )


def audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """Chairmanship periods, revisions of the texts, proposals and reports among `refs`."""
    found: dict[str, AuditTarget] = {}
    if ids := audit_ref_ids(refs, "chair_period"):
        for period in db.session.scalars(select(ChairPeriod).where(ChairPeriod.id.in_(ids))):
            found[f"chair_period:{period.id}"] = AuditTarget(
                period_name(period), url_for("governance.chairmanship_list")
            )
    if ids := audit_ref_ids(refs, "proposal"):
        for proposal in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids))):
            title = DOCUMENTS.get(proposal.document, proposal.document)
            found[f"proposal:{proposal.id}"] = AuditTarget(
                f"a proposal to revise the {title.lower()}",
                url_for("governance.proposal_show", proposal_id=proposal.id),
            )
    if ids := audit_ref_ids(refs, "report"):
        for report in db.session.scalars(select(Report).where(Report.id.in_(ids))):
            found[f"report:{report.id}"] = AuditTarget(
                f"“{report.title}”", url_for("governance.report_show", report_id=report.id)
            )
    for document, title in DOCUMENTS.items():
        for number in audit_ref_ids(refs, document):
            found[f"{document}:{number}"] = AuditTarget(
                f"revision {number} of the {title.lower()}",
                url_for("governance.revision_show", document=document, number=number),
            )
    return found
