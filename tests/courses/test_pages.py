"""Training pages: learner, lead, and who may see what."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from courses import services as courses_services
from courses.models import Assignment, LessonProgress, ModuleCompletion, SOPAcknowledgement
from tests import factories

pytestmark = pytest.mark.django_db


def test_my_training_shows_each_group_and_an_empty_state(client, member, module_with_lessons):
    client.force_login(member)
    assert "Nothing is assigned to you yet" in client.get("/training/").content.decode()
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(title="Service metrics"),
        source="qa_rule",
        reason="Three FCR findings",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    page = client.get("/training/").content.decode()
    assert "Overdue" in page
    assert "Service metrics" in page
    assert "QA finding: Three FCR findings" in page
    assert "2 days overdue" in page


def test_reading_a_module_lesson_by_lesson_then_completing_it(client, member, module_with_lessons):
    module = module_with_lessons(lessons=2)
    courses_services.assignment_ensure(user=member, module=module, source="manual")
    client.force_login(member)
    assert "Start: Lesson 1" in client.get(f"/training/modules/{module.slug}/").content.decode()

    lesson_page = client.get(f"/training/modules/{module.slug}/lessons/1/").content.decode()
    assert "Lesson 1 of 2" in lesson_page
    assert '<h2 id="sec-part-1">Part 1</h2>' in lesson_page

    assert client.post(f"/training/modules/{module.slug}/lessons/1/").url == (
        f"/training/modules/{module.slug}/lessons/2/"
    )
    early = client.post(f"/training/modules/{module.slug}/complete/", follow=True)
    assert "Finish the lessons first: 1 of 2 done." in early.content.decode()
    assert (
        client.post(f"/training/modules/{module.slug}/lessons/2/").url
        == f"/training/modules/{module.slug}/"
    )
    assert client.post(f"/training/modules/{module.slug}/complete/").url == "/training/"
    assert ModuleCompletion.objects.filter(user=member, module=module).exists()
    assert Assignment.objects.get(user=member).status == "completed"


@pytest.mark.parametrize(
    "url",
    [
        "/training/modules/nope/",
        "/training/modules/{slug}/lessons/9/",
        "/training/modules/{slug}/lessons/0/",
        "/sops/nope/",
    ],
    ids=["module", "lesson-too-high", "lesson-zero", "sop"],
)
def test_unknown_content_is_404(client, member, module_with_lessons, url):
    module = module_with_lessons(lessons=1)
    client.force_login(member)
    assert client.get(url.format(slug=module.slug)).status_code == 404


def test_an_unpublished_module_is_404_and_cannot_be_progressed(client, member, module_with_lessons):
    module = module_with_lessons(lessons=1, is_published=False)
    client.force_login(member)
    assert client.get(f"/training/modules/{module.slug}/").status_code == 404
    assert client.post(f"/training/modules/{module.slug}/lessons/1/").status_code == 404
    assert not LessonProgress.objects.exists()


def test_the_module_page_links_the_sop_versions_it_is_based_on(
    client, member, module_with_lessons, sop_published
):
    sop = sop_published("v1", title="Escalation handling")
    module = module_with_lessons()
    module.sop_versions.add(sop.versions.get())
    client.force_login(member)
    page = client.get(f"/training/modules/{module.slug}/").content.decode()
    assert f'href="/sops/{sop.slug}/v1/"' in page


def test_an_sop_page_acknowledges_and_shows_what_changed(client, member, sop_published):
    sop = sop_published(
        "Step one\nStep two", "Step one\nStep two, faster", title="Escalation handling"
    )
    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    client.force_login(member)
    page = client.get(f"/sops/{sop.slug}/").content.decode()
    assert "What changed since the version you read (v1)" in page
    assert "Step two, faster" in page
    assert "I have read and understood this" in page

    response = client.post(f"/sops/{sop.slug}/v2/acknowledge/")
    assert response.url == f"/sops/{sop.slug}/"
    page = client.get(f"/sops/{sop.slug}/").content.decode()
    assert "You acknowledged version 2" in page
    assert "What changed since" not in page


def test_an_old_version_says_it_was_replaced_and_can_still_be_acknowledged(
    client, member, sop_published
):
    sop = sop_published("old", "new")
    client.force_login(member)
    page = client.get(f"/sops/{sop.slug}/v1/").content.decode()
    assert "You are reading version 1, which has been replaced." in page
    client.post(f"/sops/{sop.slug}/v1/acknowledge/")
    assert SOPAcknowledgement.objects.get(user=member).sop_version.number == 1
    assert client.post(f"/sops/{sop.slug}/v9/acknowledge/").status_code == 404


def test_comparing_two_versions(client, member, sop_published):
    sop = sop_published("a\nb\nc", "a\nB\nc")
    client.force_login(member)
    page = client.get(f"/sops/{sop.slug}/compare/?older=2&newer=1").content.decode()
    assert "Changes from v1 to v2" in page
    assert '<div class="removed" role="row">' in page
    assert '<div class="added" role="row">' in page
    bad = client.get(f"/sops/{sop.slug}/compare/?older=1&newer=7")
    assert bad.status_code == 302


class TestTeamTraining:
    def test_the_lead_assigns_to_members_from_the_page(
        self, client, lead, member, team, module_with_lessons
    ):
        module = module_with_lessons(title="Handling escalations")
        client.force_login(lead)
        page = client.get(f"/teams/{team.pk}/training/")
        assert page.status_code == 200
        due = (timezone.localdate() + timedelta(days=7)).isoformat()
        response = client.post(
            f"/teams/{team.pk}/training/",
            {
                "target": f"module:{module.pk}",
                "users": [str(member.pk)],
                "due": due,
                "reason": "QA trend",
            },
        )
        assert response.status_code == 302
        assignment = Assignment.objects.get()
        assert (assignment.user, assignment.module, assignment.reason) == (
            member,
            module,
            "QA trend",
        )
        assert assignment.due_on.isoformat() == due
        page = client.get(f"/teams/{team.pk}/training/").content.decode()
        assert "Handling escalations" in page

    def test_people_outside_the_team_are_not_offered_and_are_refused(
        self, client, lead, team, outsider, module_with_lessons
    ):
        module = module_with_lessons()
        client.force_login(lead)
        page = client.get(f"/teams/{team.pk}/training/").content.decode()
        assert outsider.name not in page
        response = client.post(
            f"/teams/{team.pk}/training/",
            {"target": f"module:{module.pk}", "users": [str(outsider.pk)]},
        )
        assert response.status_code == 200
        assert "users" in response.context["form"].errors
        assert not Assignment.objects.exists()

    def test_a_past_due_date_is_a_form_error(self, client, lead, member, team, module_with_lessons):
        module = module_with_lessons()
        client.force_login(lead)
        response = client.post(
            f"/teams/{team.pk}/training/",
            {"target": f"module:{module.pk}", "users": [str(member.pk)], "due": "2001-01-01"},
        )
        assert response.context["form"].errors["due"] == ["The due date is in the past."]
        assert not Assignment.objects.exists()

    @pytest.mark.parametrize("who", ["member", "outsider"])
    def test_others_get_404(self, client, request, team, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(f"/teams/{team.pk}/training/").status_code == 404

    def test_cancelling_asks_first(self, client, lead, member, team, module_with_lessons):
        assignment, _ = courses_services.assignment_ensure(
            user=member, module=module_with_lessons(), source="manual"
        )
        client.force_login(lead)
        confirm = client.get(f"/assignments/{assignment.pk}/cancel/?team={team.pk}")
        assert "Cancel this assignment?" in confirm.content.decode()
        assignment.refresh_from_db()
        assert assignment.status == "open"
        response = client.post(f"/assignments/{assignment.pk}/cancel/", {"team": team.pk})
        assert response.url == f"/teams/{team.pk}/training/"
        assignment.refresh_from_db()
        assert assignment.status == "cancelled"

    def test_another_lead_can_not_cancel(self, client, outsider, member, module_with_lessons):
        assignment, _ = courses_services.assignment_ensure(
            user=member, module=module_with_lessons(), source="manual"
        )
        client.force_login(outsider)
        assert client.post(f"/assignments/{assignment.pk}/cancel/").status_code == 404
        assignment.refresh_from_db()
        assert assignment.status == "open"


def test_the_admin_preview_renders_sanitized_markdown_for_staff_only(client, admin_user, member):
    client.force_login(member)
    assert client.post("/admin-tools/markdown-preview/", {"text": "## Hi"}).status_code == 302
    client.force_login(admin_user)
    response = client.post("/admin-tools/markdown-preview/", {"text": "## Hi <script>x</script>"})
    assert response.content.decode() == '<h2 id="sec-hi-x">Hi </h2>'


def test_an_admin_publishes_a_draft_in_the_admin_and_it_becomes_immutable(
    client, admin_user, sop_published
):
    sop = sop_published("v1")
    client.force_login(admin_user)
    response = client.post(
        "/admin/courses/sopversion/add/",
        {
            "sop": sop.pk,
            "body": "## v2",
            "change_summary": "Second",
            "requires_reack": "on",
            "reack_scope": "everyone",
            "_publish": "1",
        },
    )
    assert response.status_code == 302
    v2 = sop.versions.get(number=2)
    assert (v2.status, v2.body_html, v2.requires_reack) == (
        "published",
        '<h2 id="sec-v2">v2</h2>',
        True,
    )
    page = client.get(f"/admin/courses/sopversion/{v2.pk}/change/").content.decode()
    assert 'name="body"' not in page  # read-only once published
    client.post(
        f"/admin/courses/sopversion/{v2.pk}/change/",
        {"sop": sop.pk, "body": "hacked", "change_summary": "x"},
    )
    v2.refresh_from_db()
    assert v2.body == "## v2"


def test_lessons_saved_in_the_admin_are_rendered(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/courses/module/add/",
        {
            "slug": "new-module",
            # a title and summary per language (courses/translation.py)
            "title_en": "New module",
            "title_pl": "Nowy moduł",
            "summary_en": "",
            "summary_pl": "",
            "estimated_minutes": 10,
            "is_published": "on",
            "position": 0,
            "lessons-TOTAL_FORMS": 1,
            "lessons-INITIAL_FORMS": 0,
            "lessons-0-position": 1,
            # and a lesson's title and text per language
            "lessons-0-title_en": "First",
            "lessons-0-title_pl": "Pierwsza",
            "lessons-0-body_en": "**Bold** <img src=x onerror=alert(1)>",
            "lessons-0-body_pl": "**Pogrubione** <script>alert(1)</script>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module = factories.Module.objects.get(slug="new-module")
    assert (module.title, module.title_en, module.title_pl) == (  # type: ignore[attr-defined]
        "New module",
        "New module",
        "Nowy moduł",
    )
    lesson = module.lessons.get()
    assert lesson.body_html == '<p><strong>Bold</strong> <img src="x"></p>'
    # each language rendered and sanitised; the original column keeps English
    assert lesson.body_html_pl == "<p><strong>Pogrubione</strong> </p>"  # type: ignore[attr-defined]
    assert (lesson.title, lesson.body) == ("First", "**Bold** <img src=x onerror=alert(1)>")
    with translation.override("pl"):
        assert module.lessons.get().title == "Pierwsza"


def test_acknowledging_ignores_a_next_parameter(client, member, sop_published):
    sop = sop_published("v1")
    client.force_login(member)
    response = client.post(f"/sops/{sop.slug}/v1/acknowledge/", {"next": "https://evil.example/"})
    assert response.url == f"/sops/{sop.slug}/"


@pytest.mark.parametrize(
    "query",
    ["?member=abc", "?member=99999999999999999999", "?status=bogus", "?page=xyz"],
    ids=["member-word", "member-huge", "status", "page"],
)
def test_odd_filters_on_team_training_never_500(client, lead, team, query):
    client.force_login(lead)
    assert client.get(f"/teams/{team.pk}/training/{query}").status_code in (200, 404)


def test_a_lead_can_not_cancel_their_own_assignment(client, api_as, lead, module_with_lessons):
    assignment, _ = courses_services.assignment_ensure(
        user=lead, module=module_with_lessons(), source="sop_change"
    )
    client.force_login(lead)
    assert client.post(f"/assignments/{assignment.pk}/cancel/?team=²").status_code == 404
    assert api_as(lead).delete(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "open"


ADMIN_SOP_LIST_QUERIES = 7  # exact, with 1 SOP and with 7


def test_the_admin_sop_list_keeps_its_query_count(
    client, admin_user, sop_published, assert_queries
):
    client.force_login(admin_user)
    sop_published("a")
    with assert_queries(ADMIN_SOP_LIST_QUERIES):
        assert client.get("/admin/courses/sop/").status_code == 200
    for _ in range(6):
        sop_published("x", "y")
    with assert_queries(ADMIN_SOP_LIST_QUERIES):
        assert client.get("/admin/courses/sop/").status_code == 200
