"""Pages of the partners plugin: one module per concern, each adding routes to the blueprints."""

from . import accepting, bulk, guests, invitations, overview, session
from .blueprints import bp, invite_bp

__all__ = ["accepting", "bp", "bulk", "guests", "invitations", "invite_bp", "overview", "session"]
