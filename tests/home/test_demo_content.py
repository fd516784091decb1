"""The demo content files (home/demo/content/) hold together: every slug they name exists,
every quiz question can be scored, and SOP versions are numbered without gaps. The demo
loading itself, through the real services, is tested in tests/core/test_commands.py."""

import pytest

from home.demo import content

SKILLS = {s["slug"] for s in content.skills()}
SOPS = {s["slug"] for s in content.sops()}
MODULES = {m["slug"] for m in content.modules()}
QUIZZES = {q["slug"] for q in content.quizzes()}
PEOPLE = {email for email, *_rest in content.demo_people()}


def test_the_catalogue_is_not_empty():
    assert (len(SKILLS), len(SOPS), len(MODULES), len(QUIZZES)) >= (5, 5, 5, 2)


@pytest.mark.parametrize("module", content.modules(), ids=lambda m: m["slug"])
def test_modules_name_known_skills_and_sops_and_have_lessons(module):
    assert set(module["skills"]) <= SKILLS
    assert set(module["sops"]) <= SOPS
    assert module["lessons"], "a module without lessons can never be completed"
    assert all(lesson["title"] and lesson["body"].strip() for lesson in module["lessons"])


@pytest.mark.parametrize("sop", content.sops(), ids=lambda s: s["slug"])
def test_sops_have_text_and_a_change_summary_in_every_version(sop):
    assert sop["versions"]
    for version in sop["versions"]:
        assert version["body"].strip()
        assert version["change_summary"].strip()


@pytest.mark.parametrize("quiz", content.quizzes(), ids=lambda q: q["slug"])
def test_quiz_questions_can_be_scored(quiz):
    assert quiz["module"] is None or quiz["module"] in MODULES
    for question in quiz["questions"]:
        assert set(question["skills"]) <= SKILLS
        right = [choice for choice in question["choices"] if choice["correct"]]
        assert right, f"no right answer: {question['text'][:60]}"
        if question["kind"] in {"single", "true_false"}:
            assert len(right) == 1
    bands = sorted(quiz["bands"], key=lambda band: band["min"])
    assert bands[0]["min"] == 0


@pytest.mark.parametrize("quiz", content.quizzes(), ids=lambda q: q["slug"])
def test_no_quiz_with_retakes_shows_its_key_after_each_attempt(quiz):
    """A retake could be answered from the previous attempt's review."""
    review = quiz["review"]
    assert review["when"] in {"immediately", "after_last", "after_close", "never"}
    shows_key = review["correctness"] or review["explanations"]
    if quiz["attempts_allowed"] != 1 and shows_key:
        assert review["when"] != "immediately"


def test_the_agent_knowledge_check_shows_its_answers_after_the_last_attempt():
    check = next(q for q in content.quizzes() if q["slug"] == "agent-knowledge-check")
    assert (check["attempts_allowed"], check["review"]["when"]) == (3, "after_last")


def test_onboarding_steps_link_to_existing_content():
    links = {"read_sop": SOPS, "module": MODULES, "quiz": QUIZZES}
    for _offset, kind, title, slug, _description in content.new_agent_steps():
        assert title
        if kind in links:
            assert slug in links[kind], f"{title}: unknown {kind} {slug!r}"
    titles = {title for _o, _k, title, _s, _d in content.new_agent_steps()}
    for email, _days_ago, done in content.demo_plans():
        assert email in PEOPLE
        assert set(done) <= titles


def test_rules_findings_and_attempts_name_known_people_skills_and_modules():
    for _name, skill, criterion, module, *_numbers, mode in content.demo_rules():
        assert (skill in SKILLS) != bool(criterion)
        assert module in MODULES
        assert mode in {"auto", "suggest"}
    for finding in content.demo_findings():
        assert {finding["agent"], finding["reviewer"]} <= PEOPLE
        assert finding["skill"] in SKILLS
    for taken in content.demo_quiz_attempts():
        assert taken["agent"] in PEOPLE
        assert taken["quiz"] in QUIZZES
    assert content.demo_candidate() not in PEOPLE
