"""Pages of the partners plugin: one module per concern, each adding routes to the blueprints."""

from . import accepting, bulk, choosing, guests, invitations, overview, session
from .blueprints import bp, invite_bp

__all__ = [
    "accepting",
    "bp",
    "bulk",
    "choosing",
    "guests",
    "invitations",
    "invite_bp",
    "overview",
    "session",
]
