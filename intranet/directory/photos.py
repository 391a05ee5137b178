"""Profile photos: uploaded on the profile page, kept as a small square JPEG in the store.

Pillow reads the upload (JPEG, PNG or WebP only), turns it upright, crops the centred square,
scales it to `SIZE` pixels and encodes a fresh JPEG: no EXIF, GPS or other metadata survives.
Each photo gets a new key, so its URL changes with it and browsers may keep it long. Only
signed-in people who may open the member's profile get the photo.
"""

from __future__ import annotations

import io
import secrets
from typing import IO

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.directory.members import initials, viewable_member
from intranet.extensions import db
from intranet.models import User
from intranet.platform.audit import record
from intranet.platform.storage import MissingObject, store

bp = Blueprint("photos", __name__)

SIZE = 256
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_PREFIX = "photos/"


class PhotoError(ValueError):
    """The upload is not a photo we can use; the message says why, for the user."""


def square_photo(stream: IO[bytes]) -> bytes:
    """The upload as a `SIZE` px square JPEG without metadata; raises PhotoError."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError("The photo is larger than 8 MB. Choose a smaller one.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoError("Choose a JPEG, PNG or WebP photo.")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("The photo has too many pixels. Choose a smaller one.")
            upright = ImageOps.exif_transpose(image).convert("RGBA")
            opaque = Image.new("RGB", upright.size, "white")
            opaque.paste(upright, mask=upright.getchannel("A"))
            square = ImageOps.fit(opaque, (SIZE, SIZE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise PhotoError(
            "This file is not a photo we can read. Choose a JPEG, PNG or WebP."
        ) from None
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def set_photo(user: User, stream: IO[bytes]) -> None:
    """Store a new photo for `user` and drop the old one (the caller commits)."""
    jpeg = square_photo(stream)
    key = f"{PHOTO_PREFIX}{user.id}-{secrets.token_hex(8)}.jpg"
    store().put(key, io.BytesIO(jpeg))
    old, user.photo_key = user.photo_key, key
    if old:
        store().delete(old)
    record("profile.photo_changed", target=f"user:{user.id}")


def remove_photo(user: User) -> None:
    """Delete the user's photo from the store (the caller commits); erasure calls it too."""
    if user.photo_key:
        store().delete(user.photo_key)
        user.photo_key = None


def photo_url(user: User) -> str | None:
    if not user.photo_key:
        return None
    version = user.photo_key.rsplit("-", 1)[-1].removesuffix(".jpg")
    return url_for("photos.photo", member_id=user.id, v=version)


@bp.get("/members/<int:member_id>/photo")
@roles(*EVERYONE)
def photo(member_id: int) -> Response:
    member = viewable_member(member_id)
    if not member.photo_key:
        abort(404)
    try:
        with store().open(member.photo_key) as stored:
            body = stored.read()
    except MissingObject:
        abort(404)
    response = Response(body, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.post("/profile/photo")
@roles(*EVERYONE)
def upload() -> Response:
    user: User = current_user._get_current_object()
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        flash("Choose a photo to upload.", "error")
        return redirect(url_for("profile.edit") + "#photo", code=303)
    try:
        set_photo(user, upload.stream)
    except PhotoError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Your photo is saved.", "success")
    return redirect(url_for("profile.edit") + "#photo", code=303)


@bp.post("/profile/photo/remove")
@roles(*EVERYONE)
def remove() -> Response:
    user: User = current_user._get_current_object()
    if user.photo_key:
        remove_photo(user)
        record("profile.photo_removed", target=f"user:{user.id}")
        db.session.commit()
        flash("Your photo is removed; your initials are shown instead.", "success")
    return redirect(url_for("profile.edit") + "#photo", code=303)


def init_app(app: Flask) -> None:
    app.add_template_global(photo_url, "photo_url")
    app.add_template_filter(initials, "initials")
    app.register_blueprint(bp)
