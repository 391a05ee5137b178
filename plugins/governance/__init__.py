"""Governance: chairmanship, mandate, objectives and methods of work, and the activity report."""

from __future__ import annotations

from .hooks import (
    intranet_admin_nav_items,
    intranet_audit_kinds,
    intranet_audit_targets,
    intranet_banners,
    intranet_blueprints,
    intranet_dashboard_widgets,
    intranet_demo_data,
    intranet_erase_personal_data,
    intranet_erasure_blockers,
    intranet_migrations,
    intranet_nav_items,
    intranet_permission,
    intranet_permission_many,
    intranet_personal_data,
    intranet_personal_data_kinds,
    intranet_report_sections,
    intranet_scale_data,
    intranet_scheduled_jobs,
    intranet_search,
    intranet_settings_schema,
)

__all__ = [
    "intranet_admin_nav_items",
    "intranet_audit_kinds",
    "intranet_audit_targets",
    "intranet_banners",
    "intranet_blueprints",
    "intranet_dashboard_widgets",
    "intranet_demo_data",
    "intranet_erase_personal_data",
    "intranet_erasure_blockers",
    "intranet_migrations",
    "intranet_nav_items",
    "intranet_permission",
    "intranet_permission_many",
    "intranet_personal_data",
    "intranet_personal_data_kinds",
    "intranet_report_sections",
    "intranet_scale_data",
    "intranet_scheduled_jobs",
    "intranet_search",
    "intranet_settings_schema",
]
