"""Skills, role profiles and modules in the reader's language (issue 32): a Polish lead saw
English skill names on the heatmap and in the skill filter, and English module titles in "My
training", because only quizzes had translations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from assessments.models import Quiz
from courses.models import Module
from home.demo import content
from qa import services as qa_services
from skills import services as skills_services
from skills.models import RoleProfile, Skill
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def polish(catalogue, lead, member):
    Skill.objects.filter(pk=catalogue["escalations"].pk).update(name_pl="Obsługa eskalacji")
    Skill.objects.filter(pk=catalogue["metrics"].pk).update(name_pl="Wskaźniki obsługi")
    RoleProfile.objects.filter(pk=catalogue["profile"].pk).update(name_pl="Konsultant")
    Module.objects.filter(pk=catalogue["module"].pk).update(title_pl="Eskalacje w praktyce")
    for person in (lead, member):
        person.language = "pl"
        person.save(update_fields=["language"])
    return catalogue


def test_a_polish_lead_reads_polish_skill_names_on_the_heatmap_profile_and_filter(
    client, lead, member, team, polish
):
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="TCK-1",
        criterion="Escalated in time",
        skill=polish["escalations"],
        severity="high",
    )
    skills_services.profiles_rebuild()
    client.force_login(lead)
    pages = {
        "heatmap": f"/teams/{team.pk}/skills/",
        "profile": f"/skills/people/{member.pk}/",
    }
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
        assert response.status_code == 200, name
        text = response.content.decode()
        assert "Obsługa eskalacji" in text, name
        assert "Escalation handling" not in text, name
    # the role profile under the person's name on the heatmap (it showed the slug)
    heatmap = client.get(pages["heatmap"]).content.decode()
    assert '<div class="small muted">Konsultant</div>' in heatmap


def test_my_training_the_module_list_and_the_quiz_list_show_polish_titles(
    client, lead, member, team, polish
):
    module = polish["module"]
    factories.assign_by_ids(assigned_by=lead, module_id=module.pk, user_ids=[member.pk])
    quiz = factories.quiz_published()
    Module.objects.filter(pk=module.pk).update(completion_quiz=quiz)
    client.force_login(member)
    for url in ("/training/", "/training/modules/", f"/training/modules/{module.slug}/"):
        page = client.get(url).content.decode()
        assert "Eskalacje w praktyce" in page, url
        assert "Handling escalations" not in page, url
    skill_filter = client.get("/training/modules/").content.decode()
    assert '<option value="escalations">Obsługa eskalacji</option>' in skill_filter
    client.force_login(lead)
    team_page = client.get(f"/teams/{team.pk}/training/").content.decode()
    assert "Eskalacje w praktyce" in team_page
    assert "Handling escalations" not in team_page
    client.force_login(member)
    listing = client.get("/quizzes/").content.decode()
    assert Quiz.objects.get(pk=quiz.pk).title in listing
    assert "Eskalacje w praktyce" in listing


def test_english_readers_keep_english_and_untranslated_texts_fall_back_to_english(
    client, lead, team, polish
):
    lead.language = "en"
    lead.save(update_fields=["language"])
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert "Escalation handling" in page
    assert "Obsługa eskalacji" not in page
    Skill.objects.filter(pk=polish["metrics"].pk).update(name_pl=None)
    with translation.override("pl"):
        assert Skill.objects.get(pk=polish["metrics"].pk).name == "Service metrics"
        assert list(
            Skill.objects.filter(pk=polish["metrics"].pk).values_list("name", flat=True)
        ) == ["Service metrics"]


def test_saving_in_polish_keeps_english_in_the_original_column(polish):
    with translation.override("pl"):
        skill = Skill.objects.get(pk=polish["escalations"].pk)
        skill.name = "Eskalacje"  # an admin working in Polish edits the Polish name
        skill.save()
        created = Skill.objects.create(slug="new-skill", name="Nowa umiejętność", position=9)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_en, name_pl FROM skills_skill WHERE id IN (%s, %s) ORDER BY id",
            [skill.pk, created.pk],
        )
        rows = cursor.fetchall()
    assert rows == [
        ("Escalation handling", "Escalation handling", "Eskalacje"),
        # a row created in Polish has the same text in English until someone translates it
        ("Nowa umiejętność", "Nowa umiejętność", "Nowa umiejętność"),
    ]


def test_every_demo_skill_role_profile_and_module_has_its_polish_text():
    """The content half of the catalogue's completeness: what the demo shows a Polish reader
    has a Polish text (tests/i18n/test_catalogue.py checks the interface's strings)."""
    missing = [
        f"{kind} {item['slug']}: {field}"
        for kind, items, fields in (
            ("skill", content.skills(), ("name", "description")),
            ("role profile", content.role_profiles(), ("name", "description")),
            ("module", content.modules(), ("title", "summary")),
        )
        for item in items
        for field in fields
        if not (item.get("pl") or {}).get(field)
    ]
    missing += [
        f"lesson {module['slug']} {number}"
        for module in content.modules()
        for number, lesson in enumerate(module["lessons"], start=1)
        if not (lesson.get("pl") or {}).get("title") or not (lesson.get("pl") or {}).get("body")
    ]
    translated_quizzes = content.quiz_translations()
    missing += [
        f"quiz {quiz['slug']}"
        for quiz in content.quizzes()
        if "pl" not in translated_quizzes.get(quiz["slug"], {})
    ]
    missing += [
        f"practice bank {bank['slug']}"
        for bank in content.practice_banks()
        if "pl" not in bank["translations"]
    ]
    assert missing == []


def test_the_demo_ships_a_practice_bank_for_every_skill():
    assert sorted(bank["skill"] for bank in content.practice_banks()) == sorted(
        skill["slug"] for skill in content.skills()
    )


def test_a_lesson_reads_in_polish_where_it_is_written_in_polish_else_in_english(
    client, member, module_with_lessons
):
    """A Polish new hire read English lessons inside a module with a Polish title."""
    from courses import services as courses_services
    from courses.models import Lesson

    module = module_with_lessons(lessons=2)
    first = module.lessons.get(position=1)
    first.title_pl, first.body_pl = "Pierwsza lekcja", "## Część 1\n\nTekst po **polsku**."
    courses_services.lesson_save(lesson=first)
    member.language = "pl"
    member.save(update_fields=["language"])
    client.force_login(member)
    module_page = client.get(f"/training/modules/{module.slug}/").content.decode()
    assert "Pierwsza lekcja" in module_page
    lesson_page = client.get(f"/training/modules/{module.slug}/lessons/1/").content.decode()
    assert "<h1>Pierwsza lekcja</h1>" in lesson_page
    assert "Tekst po <strong>polsku</strong>." in lesson_page
    untranslated = client.get(f"/training/modules/{module.slug}/lessons/2/").content.decode()
    assert "<h1>Lesson 2</h1>" in untranslated  # English
    assert "Part 2" in untranslated
    member.language = "en"
    member.save(update_fields=["language"])
    assert (
        "<h1>Lesson 1</h1>"
        in client.get(f"/training/modules/{module.slug}/lessons/1/").content.decode()
    )
    assert Lesson.objects.filter(title="Lesson 1", body_html__contains="Part 1").exists()


def test_untranslated_modules_sort_and_search_as_the_english_title_a_polish_reader_sees(
    client, lead, member, team, polish
):
    """Sorted and searched on the Polish column only, an untranslated module came first (or
    last) whatever its title, and its English title, shown on the page, found nothing."""
    factories.module_with_lessons(lessons=1, title="Zebra basics", slug="zebra")
    factories.module_with_lessons(lessons=1, title="Alpha basics", slug="alpha")
    client.force_login(lead)
    form = client.get(f"/teams/{team.pk}/training/").content.decode()
    order = [form.index(title) for title in ("Alpha basics", "Eskalacje w praktyce", "Zebra")]
    assert order == sorted(order)
    client.force_login(member)
    found = client.get("/training/modules/?q=zebra").content.decode()
    assert "Zebra basics" in found
    assert "Eskalacje w praktyce" not in found
