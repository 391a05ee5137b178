"""Lists of lessons stay one page long however many lessons there are."""

from __future__ import annotations

from intranet_lessons.views.browse import REVIEW_PAGE_SIZE
from intranet_lessons.views.public import PUBLIC_PAGE_SIZE


def test_the_public_lessons_come_a_page_at_a_time(client, member, make_lesson):
    for number in range(PUBLIC_PAGE_SIZE + 3):
        make_lesson(member, f"Public lesson number {number:02d}", sharing="public")

    first = client.get("/lessons/public").get_data(as_text=True)
    assert first.count('class="lesson-item"') == PUBLIC_PAGE_SIZE
    assert 'href="/lessons/public?page=2"' in first
    second = client.get("/lessons/public?page=2").get_data(as_text=True)
    assert second.count('class="lesson-item"') == 3


def test_the_review_card_shows_the_longest_waiting_and_pages_to_the_rest(
    client, secretariat, member, make_lesson
):
    for number in range(REVIEW_PAGE_SIZE + 2):
        make_lesson(member, f"Awaiting review number {number:02d}", status="submitted")
    client.login(secretariat.email)

    card = client.get("/lessons/widgets/review", headers={"HX-Request": "true"})
    text = card.get_data(as_text=True)
    assert text.count("Awaiting review number") == REVIEW_PAGE_SIZE
    assert f"{REVIEW_PAGE_SIZE + 2} lessons await your review" in text
    assert 'href="/lessons/widgets/review?page=2"' in text
    rest = client.get("/lessons/widgets/review?page=2").get_data(as_text=True)
    assert rest.count("Awaiting review number") == 2
