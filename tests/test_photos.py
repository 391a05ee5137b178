"""Profile photos: a square, small JPEG without metadata, shown to signed-in people only."""

from __future__ import annotations

import io

from PIL import Image

from intranet.extensions import db
from intranet.models import User
from intranet.platform.storage import store
from intranet.testing import sample_photo


def upload(client, data: bytes, filename: str = "me.jpg"):
    return client.submit("/profile/photo", {"photo": (io.BytesIO(data), filename)})


def test_an_uploaded_photo_is_a_square_without_metadata_and_shown(client, member, make_user):
    client.login(member.email)
    response = upload(client, sample_photo(1200, 800))
    assert response.status_code == 303
    db.session.expire_all()
    key = db.session.get(User, member.id).photo_key
    with store().open(key) as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert (image.format, image.size) == ("JPEG", (256, 256))
    assert not image.getexif() and "exif" not in image.info
    assert image.getpixel((128, 128)) != image.getpixel((10, 10))  # the centre is kept
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert f'src="/members/{member.id}/photo?v=' in page
    header = client.get("/profile").get_data(as_text=True)
    assert header.count(f"/members/{member.id}/photo?v=") == 2  # header and photo form
    served = client.get(f"/members/{member.id}/photo")
    assert served.mimetype == "image/jpeg" and "private" in served.headers["Cache-Control"]


def test_png_and_webp_are_accepted_and_other_files_refused(client, member):
    client.login(member.email)
    for kind in ("PNG", "WEBP"):
        upload(client, sample_photo(300, 500, kind), "me.img")
        db.session.expire_all()
        assert db.session.get(User, member.id).photo_key
    before = db.session.get(User, member.id).photo_key
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for data in (gif.getvalue(), b"%PDF-1.4 not a photo"):
        page = upload(client, data, "x.gif")
        assert page.status_code == 303
        message = client.get("/profile").get_data(as_text=True)
        assert "JPEG, PNG or WebP" in message
    db.session.expire_all()
    assert db.session.get(User, member.id).photo_key == before


def test_a_new_photo_replaces_the_old_one_and_removing_shows_initials(client, member):
    client.login(member.email)
    upload(client, sample_photo())
    db.session.expire_all()
    first = db.session.get(User, member.id).photo_key
    upload(client, sample_photo(400, 400))
    db.session.expire_all()
    assert not store().exists(first)
    second = db.session.get(User, member.id).photo_key
    client.submit("/profile/photo/remove")
    db.session.expire_all()
    assert db.session.get(User, member.id).photo_key is None and not store().exists(second)
    assert ">MM</span>" in client.get("/profile").get_data(as_text=True)
    assert client.get(f"/members/{member.id}/photo").status_code == 404


def test_photos_are_not_served_to_people_not_signed_in(client, member):
    client.login(member.email)
    upload(client, sample_photo())
    client.submit("/logout")
    response = client.get(f"/members/{member.id}/photo")
    assert response.status_code in (302, 401) and response.mimetype != "image/jpeg"


def test_the_data_export_holds_the_photo_and_erasure_deletes_it(client, member):
    from intranet.privacy.erasure import erase_account
    from tests.test_privacy import archive, prepared_export

    client.login(member.email)
    upload(client, sample_photo())
    db.session.expire_all()
    key = db.session.get(User, member.id).photo_key
    export_id = prepared_export(client, member)
    with archive(client.get(f"/privacy/exports/{export_id}/file")) as zipped:
        with store().open(key) as stored:
            assert zipped.read("photo.jpg") == stored.read()
        assert b'"photo": "photo.jpg in this archive"' in zipped.read("personal-data.json")
    erase_account(db.session.get(User, member.id), actor=None, via="admin")
    assert not store().exists(key) and db.session.get(User, member.id).photo_key is None
