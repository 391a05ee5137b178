"""Partners: invite representatives of other organisations as guests scoped to what they share."""

from .hooks import (
    intranet_blueprints,
    intranet_cli_commands,
    intranet_dashboard_widgets,
    intranet_demo_data,
    intranet_erase_personal_data,
    intranet_erasure_blockers,
    intranet_migrations,
    intranet_nav_items,
    intranet_permission,
    intranet_personal_data,
    intranet_personal_data_kinds,
    intranet_profile_sections,
    intranet_report_sections,
    intranet_scheduled_jobs,
    intranet_settings_schema,
    intranet_user_deactivated,
)

__all__ = [
    "intranet_blueprints",
    "intranet_cli_commands",
    "intranet_dashboard_widgets",
    "intranet_demo_data",
    "intranet_erase_personal_data",
    "intranet_erasure_blockers",
    "intranet_migrations",
    "intranet_nav_items",
    "intranet_permission",
    "intranet_personal_data",
    "intranet_personal_data_kinds",
    "intranet_profile_sections",
    "intranet_report_sections",
    "intranet_scheduled_jobs",
    "intranet_settings_schema",
    "intranet_user_deactivated",
]
