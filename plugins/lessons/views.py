from flask import Blueprint

bp = Blueprint("lessons", __name__, url_prefix="/lessons", template_folder="templates")
