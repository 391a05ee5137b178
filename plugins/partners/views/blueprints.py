"""The partners plugin's two blueprints: its pages under /partners, and the invitation link."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="../templates")
invite_bp = Blueprint("partners_invite", __name__, template_folder="../templates")
