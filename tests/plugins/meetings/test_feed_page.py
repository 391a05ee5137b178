"""The calendar feed page says what the feed holds and offers copy, webcal://, Google and
Outlook subscriptions; the feed holds every meeting the user is invited to."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

from intranet.extensions import db
from intranet_meetings.models import Participant


def test_the_feed_page_offers_copy_and_subscribe_links(client, member, make_meeting):
    meeting = make_meeting(title="Plenary in Riga")
    db.session.add(Participant(meeting_id=meeting.id, user_id=member.id))
    db.session.commit()
    client.login(member.email)
    page = client.get("/meetings/calendar").get_data(as_text=True)
    assert "Every meeting you are invited to" in page
    assert "Plenary in Riga" in page  # what is in it, before subscribing
    response = client.submit("/meetings/calendar", follow_redirects=True)
    html = response.get_data(as_text=True)
    feed_url = re.search(r'id="feed-url" readonly value="([^"]+)"', html).group(1)
    assert 'data-copy="feed-url"' in html and "feed.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (CSP)
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    assert f'href="{webcal}"' in html
    links = re.findall(r'href="(https://[^"]+)"', html.replace("&amp;", "&"))
    google = next(link for link in links if "calendar.google.com" in link)
    assert parse_qs(urlsplit(google).query)["cid"] == [webcal]
    outlook = next(link for link in links if "outlook.live.com" in link)
    assert parse_qs(urlsplit(outlook).query)["url"] == [feed_url]
    # the address shown is the feed, and it holds the meeting the member is invited to
    feed = client.get(urlsplit(feed_url).path)
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Plenary in Riga"]
    again = client.get("/meetings/calendar").get_data(as_text=True)
    assert feed_url not in again  # shown once only


def test_a_member_invited_to_nothing_is_told_why_the_feed_is_empty(client, member):
    client.login(member.email)
    page = client.get("/meetings/calendar").get_data(as_text=True)
    assert "You are not invited to any upcoming meeting yet" in page
