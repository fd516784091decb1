"""The quiz's page links to the admin's "Edit questions" for the people that view lets in
(active staff with "Can change quiz"), and to nobody else; the "People have taken version N"
message always names a version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Quiz, QuizVersion
from assessments.selectors import candidate_invitation_url
from tests import factories

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a id="edit-questions" href="([^"]+)">Edit questions</a>')


def staff(*permissions: str):
    user = factories.UserFactory.create(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return user


PEOPLE = {
    "admin": (lambda: factories.UserFactory.create(is_staff=True, is_superuser=True), True),
    "staff-who-may-change-quizzes": (lambda: staff("change_quiz"), True),
    "staff-without-the-permission": (lambda: staff("view_quiz", "change_question"), False),
    "learner-with-the-permission-but-not-staff": (
        lambda: factories.UserFactory.create(),
        False,
    ),
}


@pytest.mark.parametrize(("make", "sees_link"), PEOPLE.values(), ids=PEOPLE)
def test_the_link_is_shown_to_those_the_edit_view_lets_in(client, make, sees_link):
    # given a published quiz and someone looking at its page
    quiz = factories.quiz_published()
    user = make()
    client.force_login(user)
    edit_url = f"/admin/assessments/quiz/{quiz.pk}/edit-questions/"

    # when they open the quiz's page
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()

    # then the link is there exactly when the edit view opens for them
    assert LINK.findall(page) == ([edit_url] if sees_link else [])
    opened = client.get(edit_url)
    assert (opened.status_code == 302 and "/login/" not in opened["Location"]) is sees_link


def test_a_candidate_never_sees_the_link(client, lead):
    quiz = factories.quiz_published()
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    assert (
        'id="edit-questions"'
        not in client.get(candidate_invitation_url(invitation)).content.decode()
    )


def test_editing_a_taken_quiz_names_the_version_people_took_and_the_new_one(
    client, admin_user, member
):
    quiz = factories.quiz_published()
    first = quiz.versions.get()
    Attempt.objects.create(quiz=quiz, quiz_version=first, user=member, seed=1)
    client.force_login(admin_user)
    url = f"/admin/assessments/quiz/{quiz.pk}/edit-questions/"

    asked = client.get(url).content.decode()
    response = client.post(url)

    assert "People have taken version 1." in asked
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "People have taken version 1, so your edits go into a new version 2."
    ]


def test_a_new_quiz_s_first_version_names_no_taken_version(client, admin_user):
    quiz = Quiz.objects.create(slug="new-quiz", title="New quiz")
    client.force_login(admin_user)
    url = f"/admin/assessments/quiz/{quiz.pk}/edit-questions/"

    response = client.post(url)
    # and a second visit opens that untaken version straight away
    again = client.get(url)

    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert (
        again.url
        == f"/admin/assessments/quizversion/{QuizVersion.objects.get(quiz=quiz).pk}/change/"
    )
