"""Time zones of meetings: the core's zone labels and choices (intranet.plugin_api)."""

from intranet.plugin_api import COUNTRY_ZONES, is_zone, zone_choices, zone_label

__all__ = ["COUNTRY_ZONES", "is_zone", "zone_choices", "zone_label"]
