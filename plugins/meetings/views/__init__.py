"""The meetings pages, one module per concern; each adds its routes to the one blueprint."""

from . import (  # noqa: F401 - imported for the routes they add to bp
    agenda,
    calendars,
    decisions,
    meetings,
    minutes,
    occurrences,
    participants,
    pickers,
)
from .blueprint import bp, feed_bp

__all__ = ["bp", "feed_bp"]
