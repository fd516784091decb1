"""Item analysis with Moodle's definitions (``assessments.scoring.item_analysis``).

Expected figures are worked out by hand from Moodle's formulas, never by calling the code:
x = the item's mark (credit × weight), y = the rest of the test (the other items' marks),
Sxx = Σx² − n·x̄², Syy = Σy² − n·ȳ², Sxy = Σxy − n·x̄·ȳ, and Smax = Σx₍ᵢ₎y₍ᵢ₎ − n·x̄·ȳ with
x and y each sorted on their own. The factor 1/(n − 1) of Moodle's variances cancels, so
discrimination index DI = 100·Sxy / √(Sxx·Syy) and discriminative efficiency DE = 100·Sxy / Smax.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Attempt, ItemStatistic, Question
from assessments.scoring import ItemResult, item_analysis
from tests import factories

pytestmark = pytest.mark.django_db

SINGLE = [("Right", True, ""), ("Wrong one", False, ""), ("Wrong two", False, "")]
MULTIPLE = [("Right one", True, ""), ("Right two", True, ""), ("Wrong", False, "")]

# Ten attempts at three questions: Q1 single choice (weight 1), Q2 single choice (weight 2),
# Q3 multiple response with two right choices (weight 1: both right 1, one right 0.5).
# Credits per attempt; marks are credit × weight, the total is their sum.
#
#   attempt   Q1   Q2   Q3  | marks: Q1   Q2   Q3  | total | rest of Q1  rest of Q2  rest of Q3
#      1       1    1    1  |         1    2    1   |  4    |    3           2           3
#      2       1    1    1  |         1    2    1   |  4    |    3           2           3
#      3       1    1   .5  |         1    2   .5   |  3.5  |    2.5         1.5         3
#      4       1    1    0  |         1    2    0   |  3    |    2           1           3
#      5       1    0    1  |         1    0    1   |  2    |    1           2           1
#      6       0    1   .5  |         0    2   .5   |  2.5  |    2.5          .5         2
#      7       1    0    0  |         1    0    0   |  1    |    0           1           1
#      8       0    0    1  |         0    0    1   |  1    |    1           1           0
#      9       0    0   .5  |         0    0   .5   |   .5  |     .5          .5         0
#     10       0    0    0  |         0    0    0   |  0    |    0           0           0
#
# Ties in the total (4 and 4, 1 and 1) used to decide the 27% groups of the old index.
CREDITS = [
    (1, 1, 1),
    (1, 1, 1),
    (1, 1, 0.5),
    (1, 1, 0),
    (1, 0, 1),
    (0, 1, 0.5),
    (1, 0, 0),
    (0, 0, 1),
    (0, 0, 0.5),
    (0, 0, 0),
]
# Q1: x̄ = 6/10 = 0.6, ȳ = 15.5/10 = 1.55
#     Sxx = 6 − 10·0.36 = 2.4; Syy = 36.75 − 10·2.4025 = 12.725; Sxy = 11.5 − 10·0.6·1.55 = 2.2
#     sorted: x = 0,0,0,0,1,1,1,1,1,1; y = 0,0,.5,1,1,2,2.5,2.5,3,3 → Σx₍ᵢ₎y₍ᵢ₎ = 14, Smax = 4.7
#     DI = 220 / √(2.4·12.725) = 220 / √30.54 = 39.81; DE = 220 / 4.7 = 46.81
# Q2: x̄ = 10/10 = 1, ȳ = 11.5/10 = 1.15
#     Sxx = 20 − 10·1 = 10; Syy = 17.75 − 10·1.3225 = 4.525; Sxy = 14 − 10·1·1.15 = 2.5
#     sorted: x = 0×5, 2×5; y = 0,.5,.5,1,1,1,1.5,2,2,2 → Σ = 2·8.5 = 17, Smax = 5.5
#     DI = 250 / √(10·4.525) = 250 / √45.25 = 37.16; DE = 250 / 5.5 = 45.45
# Q3: x̄ = 5.5/10 = 0.55, ȳ = 16/10 = 1.6
#     Sxx = 4.75 − 10·0.3025 = 1.725; Syy = 42 − 10·2.56 = 16.4; Sxy = 9.5 − 10·0.55·1.6 = 0.7
#     sorted: x = 0,0,0,.5,.5,.5,1,1,1,1; y = 0,0,0,1,1,2,3,3,3,3 → Σ = 14, Smax = 5.2
#     DI = 70 / √(1.725·16.4) = 70 / √28.29 = 13.16; DE = 70 / 5.2 = 13.46
# (position: attempts, facility, discrimination index, discriminative efficiency)
BY_HAND = {
    1: (10, 0.6, 39.81, 46.81),
    2: (10, 0.5, 37.16, 45.45),
    3: (10, 0.55, 13.16, 13.46),
}


def mixed_quiz():
    return factories.quiz_published(
        questions=[
            {"kind": "single", "weight": 1.0, "choices": SINGLE},
            {"kind": "single", "weight": 2.0, "choices": SINGLE},
            {"kind": "multiple", "weight": 1.0, "choices": MULTIPLE},
        ],
        bands=[(0, 4, "All")],
    )


def chosen(question, credit):
    """Choice ids that earn ``credit``: all right ones (1), one right one (0.5), a wrong one (0)."""
    right = factories.right_choice_ids(question)
    return {1: right, 0.5: right[:1], 0: factories.wrong_choice_ids(question)}[credit]


def take(quiz, credits, capture, *, user=None, invitation=None):
    """A scored attempt with these credits per question (by position)."""
    if invitation is None:
        user = user or factories.UserFactory.create()
    attempt = assessments_services.attempt_start(quiz=quiz, user=user, invitation=invitation)
    questions = Question.objects.filter(version=attempt.quiz_version).order_by("position")
    for question, credit in zip(questions, credits, strict=True):
        assessments_services.answer_save(
            attempt=attempt, question_id=question.pk, choice_ids=chosen(question, credit)
        )
    with capture(execute=True):
        assessments_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.status == "scored"
    return attempt


def figures(quiz):
    """position → (attempts, facility, discrimination index, discriminative efficiency)."""
    return {
        s.question.position: (
            s.attempts,
            s.facility,
            s.discrimination_index,
            s.discriminative_efficiency,
        )
        for s in ItemStatistic.objects.filter(question__version__quiz=quiz).select_related(
            "question"
        )
    }


def compute(quiz):
    return assessments_services.item_analysis_compute(version_id=quiz.versions.get().pk)


def test_figures_match_moodles_formulas_worked_by_hand(django_capture_on_commit_callbacks):
    quiz = mixed_quiz()
    for credits in CREDITS:
        take(quiz, credits, django_capture_on_commit_callbacks)
    assert compute(quiz) == 3
    assert figures(quiz) == BY_HAND


def test_the_figures_of_the_old_example_by_hand(quiz, django_capture_on_commit_callbacks):
    # Three single-choice questions, weight 1: 4 × all right, 3 × only Q1 right, 3 × none.
    # Q1: x̄ = .7, ȳ = .8; Sxx = 7 − 4.9 = 2.1, Syy = 16 − 6.4 = 9.6, Sxy = 8 − 5.6 = 2.4;
    #     DI = 240 / √20.16 = 53.45; sorted pairs give the same Σ = 8, so Smax = 2.4, DE = 100.
    # Q2 (and Q3): x̄ = .4, ȳ = 1.1; Sxx = 4 − 1.6 = 2.4, Syy = 19 − 12.1 = 6.9,
    #     Sxy = 8 − 4.4 = 3.6; DI = 360 / √16.56 = 88.47; Smax = 8 − 4.4 = 3.6, DE = 100.
    patterns = [(1, 1, 1)] * 4 + [(1, 0, 0)] * 3 + [(0, 0, 0)] * 3
    for credits in patterns:
        take(quiz, credits, django_capture_on_commit_callbacks)
    assert compute(quiz) == 3
    assert figures(quiz) == {
        1: (10, 0.7, 53.45, 100.0),
        2: (10, 0.4, 88.47, 100.0),
        3: (10, 0.4, 88.47, 100.0),
    }


def test_an_item_that_favours_weak_takers_by_hand():
    # Q1 right only for the two takers who got the rest wrong: x = 1,1,0,0; y = 0,0,2,2.
    # x̄ = .5, ȳ = 1; Sxx = 1, Syy = 4, Sxy = 0 − 2 = −2 → DI = −200 / √4 = −100;
    # sorted: x = 0,0,1,1; y = 0,0,2,2 → Smax = 4 − 2 = 2 → DE = −200 / 2 = −100.
    # Q2 and Q3: their rest (1 in every attempt) has no variance → blank.
    results = item_analysis(
        weights=[1.0, 1.0, 1.0],
        credits=[(1, 0, 0), (1, 0, 0), (0, 1, 1), (0, 1, 1)],
    )
    assert results == [
        ItemResult(4, 0.5, -100.0, -100.0),
        ItemResult(4, 0.5, None, None),
        ItemResult(4, 0.5, None, None),
    ]


def test_ties_and_start_times_decide_nothing(django_capture_on_commit_callbacks):
    """Fails on the old upper-minus-lower 27% index, which broke ties in the total by
    ``-started_at``: reversing the start times moved Q1 from 1.0 to 0.67 and Q3 from 0.33 to
    0.67. Here: the same attempts taken in the opposite order, or with reversed start times,
    give the same figures, to the last digit."""
    forward, backward = mixed_quiz(), mixed_quiz()
    taken = [take(forward, credits, django_capture_on_commit_callbacks) for credits in CREDITS]
    for credits in reversed(CREDITS):
        take(backward, credits, django_capture_on_commit_callbacks)
    start = timezone.now() - timedelta(days=1)
    for minutes, attempt in enumerate(taken):
        Attempt.objects.filter(pk=attempt.pk).update(started_at=start + timedelta(minutes=minutes))
    compute(forward)
    compute(backward)
    assert figures(forward) == figures(backward) == BY_HAND

    for minutes, attempt in enumerate(reversed(taken)):
        Attempt.objects.filter(pk=attempt.pk).update(started_at=start + timedelta(minutes=minutes))
    compute(forward)
    assert figures(forward) == BY_HAND


@pytest.mark.parametrize(
    "order",
    [
        [*range(10)],
        [*reversed(range(10))],
        [*range(5, 10), *range(5)],
        [1, 0, 3, 2, 5, 4, 7, 6, 9, 8],
    ],
    ids=["as-listed", "reversed", "rotated", "pairs-swapped"],
)
def test_the_pure_function_ignores_the_order_of_attempts(order):
    weights = [1.0, 2.0, 1.0]
    assert item_analysis(weights=weights, credits=[CREDITS[i] for i in order]) == item_analysis(
        weights=weights, credits=CREDITS
    )


def test_no_variance_gives_blank_figures_not_zero(quiz, django_capture_on_commit_callbacks):
    # Q1 right in half the attempts, Q2 always right, Q3 always wrong: Q2 and Q3 have no
    # variance, and Q1's rest (Q2 + Q3 = 1 every time) has none either.
    for n in range(10):
        take(quiz, (n % 2, 1, 0), django_capture_on_commit_callbacks)
    compute(quiz)
    assert figures(quiz) == {
        1: (10, 0.5, None, None),
        2: (10, 1.0, None, None),
        3: (10, 0.0, None, None),
    }


def test_first_attempts_only_by_default_all_attempts_as_an_option(
    settings, lead, django_capture_on_commit_callbacks
):
    quiz = mixed_quiz()
    users = [factories.UserFactory.create() for _ in range(9)]
    candidate = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="candidate@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=2),
    )
    # Nine users and one candidate invitation take the attempts of the worked example ...
    for user, credits in zip(users, CREDITS, strict=False):
        take(quiz, credits, django_capture_on_commit_callbacks, user=user)
    take(quiz, CREDITS[9], django_capture_on_commit_callbacks, invitation=candidate)
    # ... then two users and the candidate try again and get everything right.
    for user in users[5:7]:
        take(quiz, (1, 1, 1), django_capture_on_commit_callbacks, user=user)
    take(quiz, (1, 1, 1), django_capture_on_commit_callbacks, invitation=candidate)

    compute(quiz)
    assert figures(quiz) == BY_HAND  # each taker's first attempt only

    settings.ITEM_ANALYSIS_ATTEMPTS = "all"
    compute(quiz)
    stats = figures(quiz)
    # 13 attempts, each counted as if by another person: Q1 right in 6 + 3 = 9 of them.
    assert stats[1][:2] == (13, round(9 / 13, 4))
    assert stats[2][:2] == (13, round(8 / 13, 4))  # 5 + 3
    assert stats[3][:2] == (13, round(8.5 / 13, 4))  # 5.5 + 3

    settings.ITEM_ANALYSIS_ATTEMPTS = "first"
    compute(quiz)
    assert figures(quiz) == BY_HAND


def test_the_backstop_counts_attempts_as_the_analysis_does(
    settings, quiz, django_capture_on_commit_callbacks
):
    users = [factories.UserFactory.create() for _ in range(9)]
    for n, user in enumerate(users):
        take(quiz, (n % 2, 1, 0), django_capture_on_commit_callbacks, user=user)
    take(quiz, (1, 1, 1), django_capture_on_commit_callbacks, user=users[0])  # a retake
    assert compute(quiz) == 0  # nine first attempts
    with django_capture_on_commit_callbacks(execute=True):
        assert assessments_services.attempts_sweep()["item_analysis"] == 0
    assert not ItemStatistic.objects.exists()

    settings.ITEM_ANALYSIS_ATTEMPTS = "all"
    with django_capture_on_commit_callbacks(execute=True):
        assert assessments_services.attempts_sweep()["item_analysis"] == 1
    assert set(ItemStatistic.objects.values_list("attempts", flat=True)) == {10}


@pytest.mark.parametrize(
    ("attempts", "stored", "few"),
    [(9, False, None), (10, True, True), (29, True, True), (30, True, False)],
    ids=["9-nothing", "10-few", "29-few", "30-enough"],
)
def test_figures_from_ten_attempts_flagged_below_thirty(
    attempts, stored, few, quiz, django_capture_on_commit_callbacks
):
    for n in range(attempts):
        take(quiz, (n % 2, int(n % 3 == 0), 1), django_capture_on_commit_callbacks)
    assert compute(quiz) == (3 if stored else 0)
    stats = list(ItemStatistic.objects.all())
    assert [s.attempts for s in stats] == ([attempts] * 3 if stored else [])
    assert {s.few_attempts for s in stats} == ({few} if stored else set())


def test_figures_never_outlive_their_data(quiz, django_capture_on_commit_callbacks):
    attempts = [take(quiz, (n % 2, 1, 0), django_capture_on_commit_callbacks) for n in range(10)]
    assert compute(quiz) == 3
    assessments_services.attempts_delete(attempts=Attempt.objects.filter(pk=attempts[0].pk))
    assert compute(quiz) == 0
    assert not ItemStatistic.objects.exists()


@pytest.mark.parametrize(
    ("takers", "questions"),
    [(10, 3), (20, 6)],
    ids=["10-attempts-3-questions", "20-attempts-6-questions"],
)
def test_the_statement_count_does_not_grow(
    takers, questions, assert_queries, django_capture_on_commit_callbacks
):
    quiz = factories.quiz_published(
        questions=[{"kind": "single", "choices": SINGLE}] * questions, bands=[]
    )
    for n in range(takers):
        take(
            quiz,
            [(n + q) % 2 for q in range(questions)],
            django_capture_on_commit_callbacks,
        )
    version_id = quiz.versions.get().pk
    # attempts, questions, credits, one upsert of every question's row
    with assert_queries(4):
        assert assessments_services.item_analysis_compute(version_id=version_id) == questions


def test_an_unknown_setting_is_an_error_not_a_silent_default(settings, quiz):
    settings.ITEM_ANALYSIS_ATTEMPTS = "firsts"
    with pytest.raises(ValueError, match="ITEM_ANALYSIS_ATTEMPTS must be one of"):
        compute(quiz)


def test_the_admin_shows_the_number_of_attempts_beside_every_figure(
    client, admin_user, quiz, django_capture_on_commit_callbacks
):
    for n in range(10):
        take(quiz, (n % 2, 1, 0), django_capture_on_commit_callbacks)
    compute(quiz)
    client.force_login(admin_user)
    page = client.get(f"/admin/assessments/quizversion/{quiz.versions.get().pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("(n = 10)") == 9  # three figures for each of three questions
    assert html.count("few attempts</strong>") == 3
    assert "50.0%" in html  # Q1's facility
    assert html.count('<span title="No variance">—</span>') == 6


def test_the_admin_explains_when_figures_will_appear(client, admin_user, quiz):
    client.force_login(admin_user)
    page = client.get(f"/admin/assessments/quizversion/{quiz.versions.get().pk}/change/")
    assert "Shown once the version has 10 scored attempts." in page.content.decode()
