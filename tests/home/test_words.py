"""Words on the page: titles with a separator, plurals through ngettext, no doubled labels."""

import pytest
from django.utils import timezone

from notifications.models import Notification
from onboarding import services as onboarding_services
from tests import factories

pytestmark = pytest.mark.django_db


def title_of(page: str) -> str:
    return page.split("<title>", 1)[1].split("</title>", 1)[0]


def test_page_titles_have_a_separator(client, lead, team):
    """Was "HomeReadiness"."""
    client.force_login(lead)
    assert title_of(client.get("/").content.decode()) == "Home · Readiness"
    skills = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert title_of(skills) == f"Skills · {team.name} · Readiness"


@pytest.mark.parametrize(
    ("unread", "message"), [(1, "1 notification marked"), (3, "3 notifications")]
)
def test_marking_notifications_read_counts_in_words(client, member, unread, message):
    """Was "1 notifications marked as read"."""
    for n in range(unread):
        Notification.objects.create(user=member, kind="x", title="T", key=f"k{n}")
    client.force_login(member)
    page = client.post("/notifications/read-all/", follow=True).content.decode()
    assert message in page


def test_onboarding_training_says_onboarding_once(client, member, lead, module_with_lessons):
    """Was "Onboarding: Onboarding: …" in My training."""
    module = module_with_lessons(lessons=1, title="Helpdesk basics")
    template = factories.checklist((0, "module", module))
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate(), started_by=lead
    )
    client.force_login(member)
    page = client.get("/training/").content.decode()
    assert "Onboarding: Complete Helpdesk basics" in page
    assert "Onboarding: Onboarding:" not in page


def test_the_candidate_email_ends_sentences_once_and_explains_why_it_came(
    lead, quiz, django_capture_on_commit_callbacks
):
    """Was "… 11:59 p.m.." and "you get this email because you use Readiness" to a candidate."""
    from datetime import timedelta

    from django.core import mail

    from assessments import services as assessments_services

    with django_capture_on_commit_callbacks(execute=True):
        assessments_services.candidate_invitation_create(
            invited_by=lead,
            email="casey@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
        )
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert ".." not in email.body
    assert ".." not in html
    assert "because you use Readiness" not in html
    assert "invited you to take a quiz" in html


def test_the_logo_links_home_only_for_people_with_an_account(client, lead, quiz):
    from datetime import timedelta

    from assessments import selectors as assessments_selectors
    from assessments import services as assessments_services

    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="casey@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    candidate_page = client.get(assessments_selectors.candidate_invitation_url(invitation))
    assert 'class="brand" href' not in candidate_page.content.decode()
    client.force_login(lead)
    assert 'class="brand" href="/"' in client.get("/").content.decode()


def test_the_admin_question_editor_has_a_title(client, admin_user, member, quiz):
    """Was "| Readiness admin" (no title before the separator)."""
    from assessments import services as assessments_services

    assessments_services.attempt_start(quiz=quiz, user=member)  # the version is now taken
    client.force_login(admin_user)
    page = client.get(f"/admin/assessments/quiz/{quiz.pk}/edit-questions/").content.decode()
    assert title_of(page).strip() == f"Edit the questions of “{quiz.title}” | Readiness admin"


def test_account_pages_have_a_separator_too(client):
    title = title_of(client.get("/accounts/login/").content.decode())
    assert title.endswith(" · Readiness")
    assert not title.startswith(" · ")


def test_the_home_page_and_the_team_page_count_people_alike(client, lead, member, team):
    """Was "3 members" on the home page where the team page said "4 people"."""
    client.force_login(lead)
    home = client.get("/").content.decode()
    team_page = client.get(f"/teams/{team.pk}/").content.decode()
    assert "2 people" in home
    assert "2 people" in team_page
