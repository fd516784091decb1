"""Importing QA review exports as the QA tool writes them: long and wide forms, 4-point and
binary scales, a critical category, N/A, an unknown category, Latin-1 and XLSX files; the
findings and the positive evidence they give, and re-importing changing nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qa.models import QAFinding, ReviewCategory, ReviewRating, TrainingRule
from qa.reviews import importer as review_importer
from qa.reviews import sources as review_sources
from qa.reviews.files import read_table
from qa.reviews.scales import RatingError, rating_judge, rating_read, scale_guess
from qa.reviews.sources import CategoryInput
from skills.models import SkillEvidence
from tests.qa import review_exports as exports

pytestmark = pytest.mark.django_db


def outcomes(report):
    return [(ln.review_ref, ln.category, ln.outcome, ln.severity) for ln in report.lines]


@pytest.mark.parametrize(
    ("text", "scale", "value"),
    [
        ("3", "4", 3.0),
        ("3.0", "4", 3.0),
        ("3 / 4", "4", 3.0),
        ("Yes", "binary", 1.0),
        ("fail", "binary", 0.0),
        ("100", "binary", 1.0),
        ("85%", "percent", 85.0),
        ("72,5", "percent", 72.5),
        ("N/A", "4", None),
        ("", "5", None),
    ],
    ids=[
        "points",
        "points-float",
        "points-of",
        "yes",
        "fail",
        "binary-100",
        "pct",
        "comma",
        "na",
        "empty",
    ],
)
def test_ratings_are_read_on_their_scale(text, scale, value):
    assert rating_read(text, scale=scale, na={"n/a"}) == value


@pytest.mark.parametrize(
    ("text", "scale"), [("5", "4"), ("0", "3"), ("maybe", "binary"), ("3/5", "4"), ("50%", "5")]
)
def test_ratings_off_the_scale_are_errors(text, scale):
    with pytest.raises(RatingError):
        rating_read(text, scale=scale)


@pytest.mark.parametrize(
    ("value", "scale", "pass_mark", "critical", "severity"),
    [
        (3, "4", 3, False, None),
        (2, "4", 3, False, "medium"),
        (1, "4", 3, False, "high"),
        (3, "5", 4, False, "low"),
        (0, "binary", 1, False, "medium"),
        (70, "percent", 80, False, "low"),
        (10, "percent", 80, False, "high"),
        (2, "4", 3, True, "critical"),
    ],
)
def test_severity_follows_how_far_below_the_pass_mark(value, scale, pass_mark, critical, severity):
    assert rating_judge(value, scale=scale, pass_mark=pass_mark, critical=critical) == severity


def test_scale_is_guessed_from_the_ratings():
    assert scale_guess(["Yes", "No"], default="4") == "binary"
    assert scale_guess(["80", "95"], default="4") == "percent"
    assert scale_guess(["1", "3"], default="4") == "4"


class TestLongForm:
    def test_preview_shows_every_line_and_saves_nothing(self, long_source, member):
        table = read_table(exports.long_csv(member.email), filename="export.csv")
        report = review_importer.reviews_import(
            source=long_source, table=table, importer=long_source.created_by, commit=False
        )
        assert outcomes(report) == [
            ("R-1", "Empathy", "pass", ""),
            ("R-1", "Escalation", "fail", "medium"),
            ("R-1", "GDPR check", "fail", "critical"),
            ("R-1", "Tone", "na", ""),
            ("R-2", "Escalation", "pass", ""),
            ("R-2", "Metrics talk", "unknown", ""),
        ]
        assert [ln.line for ln in report.lines] == [2, 3, 4, 5, 6, 7]
        assert list(report.unknown_categories) == ["Metrics talk"]
        assert not QAFinding.objects.exists()
        assert not ReviewRating.objects.exists()

    def test_unknown_categories_get_a_suggested_skill(self, long_source, member, catalogue):
        table = read_table(exports.long_csv(member.email))
        report = review_importer.reviews_import(
            source=long_source, table=table, importer=long_source.created_by, commit=False
        )
        [row] = review_importer.category_suggestions(
            source=long_source,
            report=report,
            skills=[catalogue["escalations"], catalogue["metrics"]],
        )
        assert (row["name"], row["skill"], row["scale"], row["lines"]) == (
            "Metrics talk",
            catalogue["metrics"],
            "4",
            1,
        )

    def test_findings_and_positive_evidence_arrive_once(
        self, long_source, lead, member, catalogue, django_capture_on_commit_callbacks
    ):
        table = read_table(exports.long_csv(member.email))
        with django_capture_on_commit_callbacks(execute=True):
            report = review_importer.reviews_import(
                source=long_source, table=table, importer=lead, commit=True
            )
        assert (report.created_findings, report.created_passes) == (2, 2)
        findings = {f.criterion: f for f in QAFinding.objects.all()}
        assert {k: (f.severity, f.interaction_ref, f.source) for k, f in findings.items()} == {
            "Escalation": ("medium", "CONV-1", "review"),
            "GDPR check": ("critical", "CONV-1", "review"),
        }
        assert findings["Escalation"].review_source == long_source
        assert "Root cause: Knowledge" in findings["Escalation"].note
        evidence = sorted(
            SkillEvidence.objects.filter(user=member).values_list(
                "source", "skill__slug", "outcome", "weight"
            )
        )
        assert evidence == [
            ("qa_finding", "escalations", 0.0, 1.0),
            ("qa_finding", "escalations", 0.0, 3.0),
            ("qa_pass", "escalations", 1.0, 1.0),
            ("qa_pass", "kpi-literacy", 1.0, 1.0),
        ]
        again = review_importer.reviews_import(
            source=long_source, table=table, importer=lead, commit=True
        )
        assert again.created == 0
        assert again.counts["duplicate"] == 4
        assert (QAFinding.objects.count(), ReviewRating.objects.count()) == (2, 4)
        assert SkillEvidence.objects.filter(user=member).count() == 4

    def test_the_evidence_list_names_a_pass(self, long_source, lead, member, api_as):
        review_importer.reviews_import(
            source=long_source,
            table=read_table(exports.long_csv(member.email)),
            importer=lead,
            commit=True,
        )
        profile = api_as(lead).get(f"/api/v1/users/{member.pk}/skill-profile/").json()
        abouts = [i["about"] for s in profile["skills"] for i in s["evidence_items"]]
        assert "QA passed: Empathy on CONV-1 (4)" in abouts

    def test_agents_outside_the_leads_teams_are_listed_not_guessed(
        self, long_source, lead, member, outsider
    ):
        data = (
            exports.long_csv(member.email)
            + (
                f"R-3,CONV-3,{outsider.email},X,2026-01-12,Escalation,1,,\r\n"
                "R-4,CONV-4,ghost@example.test,X,2026-01-12,Escalation,1,,\r\n"
            ).encode()
        )
        report = review_importer.reviews_import(
            source=long_source, table=read_table(data), importer=lead, commit=True
        )
        assert dict(report.unknown_agents) == {outsider.email: 1, "ghost@example.test": 1}
        assert [ln.errors for ln in report.lines[-2:]] == [
            {"agent": ["No such agent in your teams."]}
        ] * 2
        assert not QAFinding.objects.filter(agent=outsider).exists()

    def test_bad_ratings_and_dates_are_row_errors(self, long_source, lead, member):
        data = (
            ",".join(exports.LONG_HEADER) + "\n"
            f"R-5,CONV-5,{member.email},X,31/13/2026,Escalation,3,,\n"
            f"R-6,CONV-6,{member.email},X,2026-01-12,Escalation,7,,\n"
            f"R-7,,{member.email},X,2026-01-12,Escalation,2,,\n"
            f"R-8,CONV-8,{member.email},X,2099-01-12,Escalation,2,,\n"
        ).encode()
        report = review_importer.reviews_import(
            source=long_source, table=read_table(data), importer=lead, commit=False
        )
        assert [sorted(ln.errors) for ln in report.lines] == [
            ["date"],
            ["rating"],
            [],
            ["date"],
        ]
        # no conversation id: the review id stands in for it
        assert report.lines[2].interaction_ref == "R-7"

    def test_a_mapping_that_does_not_fit_the_file_is_a_problem(self, long_source, lead, member):
        review_sources.review_source_update(
            source=long_source, columns={**exports.LONG_MAPPING, "agent": "Agent"}
        )
        report = review_importer.reviews_import(
            source=long_source,
            table=read_table(exports.long_csv(member.email)),
            importer=lead,
            commit=True,
        )
        assert report.problems == [
            "The file has no column “Agent” (mapped as Agent (email or name))."
        ]
        assert not report.lines

    def test_rules_limited_to_a_source_count_only_its_findings(
        self, long_source, lead, member, catalogue, django_capture_on_commit_callbacks
    ):
        module = catalogue["module"]
        TrainingRule.objects.create(
            name="only QA tool",
            skill=catalogue["escalations"],
            module=module,
            threshold=3,
            mode="auto",
            review_source=long_source,
        )
        from qa import services

        services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="P-1",
            criterion="Escalation",
            skill=catalogue["escalations"],
            severity="high",
        )
        with django_capture_on_commit_callbacks(execute=True):
            review_importer.reviews_import(
                source=long_source,
                table=read_table(exports.long_csv(member.email)),
                importer=lead,
                commit=True,
            )
        # three findings on the skill, but only two from the source: the rule does not fire
        assert QAFinding.objects.filter(skill=catalogue["escalations"]).count() == 3
        assert not member.assignments.exists()


class TestOtherShapesAndFiles:
    def test_wide_form_with_binary_scale_by_agent_name(self, team, lead, member, catalogue):
        source, _ = review_sources.review_source_create(
            team=team,
            created_by=lead,
            name="our QA sheet",
            shape="wide",
            columns=exports.WIDE_MAPPING,
            agent_match="name",
            default_scale="binary",
        )
        esc = catalogue["escalations"]
        review_sources.review_categories_save(
            source=source,
            categories=[
                CategoryInput(name="Greeting", skill=catalogue["metrics"], scale="binary"),
                CategoryInput(name="escalation", skill=esc, scale="binary"),
                CategoryInput(name="Data Protection", skill=esc, scale="binary", critical=True),
                CategoryInput(name="Total", ignored=True),
            ],
        )
        report = review_importer.reviews_import(
            source=source,
            table=read_table(exports.wide_csv(member.name)),
            importer=lead,
            commit=True,
        )
        assert outcomes(report) == [
            ("T-100", "Greeting", "pass", ""),
            ("T-100", "Escalation", "fail", "medium"),
            ("T-100", "Data protection", "pass", ""),
            ("T-100", "Total", "ignored", ""),
            ("T-101", "Greeting", "pass", ""),
            ("T-101", "Escalation", "pass", ""),
            ("T-101", "Data protection", "na", ""),
            ("T-101", "Total", "ignored", ""),
        ]
        assert (report.created_findings, report.created_passes) == (1, 4)
        rating = ReviewRating.objects.get(review_ref="T-100", category="escalation")
        assert rating.finding.criterion == "escalation"

    def test_a_latin1_file_is_read_with_a_note(self, long_source, lead, member):
        table = read_table(exports.latin1_csv(member.email), filename="export.csv")
        assert "Windows-1252" in table.notes[0]
        report = review_importer.reviews_import(
            source=long_source, table=table, importer=lead, commit=True
        )
        assert outcomes(report) == [("R-9", "Escalation", "fail", "high")]
        rating = ReviewRating.objects.get()
        assert (rating.reviewer_name, rating.comment) == ("José Müller", "Très lent")

    def test_a_polish_excel_file_is_read_as_windows_1250_and_finds_the_agent_by_name(
        self, team, lead, catalogue
    ):
        """Polish Excel saves CSV in Windows-1250: read as 1252, "Łukasz Wróbel" became
        "£ukasz Wróbel" and the agent matched by name was not found."""
        from accounts.models import Membership
        from tests import factories

        agent = factories.UserFactory.create(name="Łukasz Wróbel", email="lukasz@example.test")
        factories.MembershipFactory.create(user=agent, team=team, role=Membership.Role.MEMBER)
        source, _ = review_sources.review_source_create(
            team=team,
            created_by=lead,
            name="arkusz QA",
            shape="wide",
            columns=exports.WIDE_MAPPING,
            agent_match="name",
            default_scale="binary",
        )
        review_sources.review_categories_save(
            source=source,
            categories=[
                CategoryInput(name="Greeting", skill=catalogue["metrics"], scale="binary"),
                CategoryInput(name="Escalation", skill=catalogue["escalations"], scale="binary"),
                CategoryInput(name="Data protection", ignored=True),
                CategoryInput(name="Total", ignored=True),
            ],
        )
        data = exports.wide_csv("Łukasz Wróbel").decode().encode("cp1250")
        table = read_table(data, filename="eksport.csv")
        assert "Windows-1250" in table.notes[0]
        report = review_importer.reviews_import(
            source=source, table=table, importer=lead, commit=True
        )
        assert not report.unknown_agents
        assert QAFinding.objects.get().agent == agent

    def test_an_xlsx_file_imports_like_the_csv(self, long_source, lead, member):
        table = read_table(exports.xlsx_bytes(member.email), filename="export.xlsx")
        report = review_importer.reviews_import(
            source=long_source, table=table, importer=lead, commit=True
        )
        assert [o[2] for o in outcomes(report)] == ["pass", "fail", "fail", "na", "pass", "unknown"]
        assert ReviewRating.objects.get(category="Empathy").occurred_at.date().isoformat() == (
            "2026-01-10"
        )
        csv_again = review_importer.reviews_import(
            source=long_source,
            table=read_table(exports.long_csv(member.email)),
            importer=lead,
            commit=True,
        )
        assert csv_again.created == 0

    def test_an_unreadable_workbook_is_a_clear_error(self):
        from core.errors import ValidationFailed

        with pytest.raises(ValidationFailed, match="not a readable XLSX"):
            read_table(b"PK\x03\x04garbage", filename="x.xlsx")


class TestCategories:
    def test_a_category_needs_a_skill_or_ignore_and_a_pass_mark_on_its_scale(self, long_source):
        from core.errors import ValidationFailed

        with pytest.raises(ValidationFailed) as caught:
            review_sources.review_categories_save(
                source=long_source,
                categories=[
                    CategoryInput(name="New"),
                    CategoryInput(name="Odd", ignored=True, scale="4", pass_mark=9),
                ],
            )
        assert sorted(caught.value.field_errors) == ["categories[0]", "categories[1]"]
        assert not ReviewCategory.objects.filter(name__in=["New", "Odd"]).exists()

    def test_saving_again_changes_the_mapping(self, long_source, catalogue):
        review_sources.review_categories_save(
            source=long_source, categories=[CategoryInput(name="empathy", ignored=True)]
        )
        cat = ReviewCategory.objects.get(source=long_source, key="empathy")
        assert (cat.name, cat.ignored, cat.skill) == ("Empathy", True, None)


class TestStatements:
    @pytest.mark.parametrize("reviews_count", [4, 12])
    def test_constant_statements_per_batch(
        self, long_source, lead, member, assert_queries, monkeypatch, reviews_count
    ):
        """Two batches of lines whatever their size: 2 reads, then per batch one duplicate
        check, five writes and its audit event."""
        monkeypatch.setattr(review_importer, "BATCH", reviews_count * 2)
        rows = []
        for n in range(reviews_count * 2):
            rows.append([f"R{n}", f"C{n}", member.email, "", "2026-01-10", "Empathy", "4", "", ""])
            rows.append(
                [f"R{n}", f"C{n}", member.email, "", "2026-01-10", "Escalation", "1", "", ""]
            )
        table = read_table(exports._csv(exports.LONG_HEADER, rows).encode())
        with assert_queries(2 + 2 * (1 + 5 + 1)):
            report = review_importer.reviews_import(
                source=long_source, table=table, importer=lead, commit=True
            )
        assert report.created == reviews_count * 4
        assert SkillEvidence.objects.filter(user=member).count() == reviews_count * 4
        evidence = SkillEvidence.objects.filter(source="qa_pass").first()
        assert evidence.params == {
            "criterion": "Empathy",
            "interaction": evidence.params["interaction"],
            "rating": "4",
        }


def test_is_it_working_can_count_only_one_sources_findings(
    client, long_source, lead, team, catalogue
):
    """Findings from other places are left out when the lead picks the source."""
    from datetime import timedelta

    from django.utils import timezone

    from qa import selectors
    from tests.qa.test_effect import agent, findings, rule, trained

    now = timezone.now()
    skill = catalogue["escalations"]
    r = rule(catalogue)
    who = agent(team, "Trained")
    trained(who, r, fired=80, completed=70, now=now)
    findings(who, skill, [85, 83, 81], now=now)  # recorded by hand
    QAFinding.objects.create(
        agent=who, skill=skill, interaction_ref="CONV-9", criterion="Escalation",
        occurred_at=now - timedelta(days=84), source="review", review_source=long_source,
    )  # fmt: skip

    def before(**source):
        report = selectors.training_effect(lead=lead, team_id=team.pk, now=now, **source)
        return report.rows[0].trained.before

    assert before() == pytest.approx(4 / (30 / 7), abs=0.01)
    assert before(review_source_id=long_source.pk) == pytest.approx(1 / (30 / 7), abs=0.01)
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/?source={long_source.pk}")
    assert page.status_code == 200
    assert f'<option value="{long_source.pk}" selected>' in page.content.decode()


class TestGuesses:
    """What the preview suggests for an unknown category: only names that match, and the
    scale the ratings seen need."""

    @pytest.mark.parametrize(
        ("category", "expected"),
        [
            ("Escalation", "escalations"),
            ("Escalations", "escalations"),
            ("escalation handling", "escalations"),
            ("Metrics", "kpi-literacy"),
            ("KPI literacy", "kpi-literacy"),
            ("Empathy", None),
            ("Greeting", None),
            ("Tone", None),
        ],
    )
    def test_a_suggestion_only_from_a_name_that_matches(self, category, expected):
        from qa.reviews.mapping import skill_suggest
        from skills.models import Skill

        skills = [
            Skill(slug="escalations", name="Escalation handling"),
            Skill(slug="kpi-literacy", name="Service metrics"),
            Skill(slug="team-morale", name="Team morale"),
            Skill(slug="reporting", name="Reporting"),
        ]
        found = skill_suggest(category, skills)
        assert (found.slug if found else None) == expected

    @pytest.mark.parametrize(
        ("ratings", "default", "expected"),
        [
            (["1", "4", "5"], "4", "5"),
            (["1", "2", "4"], "3", "4"),
            (["2", "3"], "5", "5"),
            (["3/5", "4/5"], "4", "5"),
            (["2/3"], "5", "3"),
            (["1", "2", "3"], "percent", "3"),
        ],
    )
    def test_the_scale_holds_every_rating_seen(self, ratings, default, expected):
        assert scale_guess(ratings, default=default) == expected


class TestDateFormats:
    """A wide export with dd.mm.yyyy dates failed every line ("Use a date like 2026-03-31")."""

    @pytest.mark.parametrize(
        ("dates", "expected", "note"),
        [
            (["01.02.2026", "02.02.2026"], ["2026-02-01", "2026-02-02"], "day first"),
            (["13/02/2026", "02/03/2026"], ["2026-02-13", "2026-03-02"], "day first"),
            (["02/13/2026 14:05", "03/02/2026"], ["2026-02-13", "2026-03-02"], "month first"),
            (["2026-02-01", "2026-02-02"], ["2026-02-01", "2026-02-02"], None),
        ],
    )
    def test_the_column_decides_how_numeric_dates_read(
        self, team, lead, member, catalogue, dates, expected, note
    ):
        source, _ = review_sources.review_source_create(
            team=team,
            created_by=lead,
            name="our QA sheet",
            shape="wide",
            columns=exports.WIDE_MAPPING,
            agent_match="name",
            default_scale="binary",
        )
        review_sources.review_categories_save(
            source=source,
            categories=[
                CategoryInput(name="Greeting", skill=catalogue["metrics"], scale="binary"),
                CategoryInput(name="Escalation", ignored=True),
                CategoryInput(name="Data protection", ignored=True),
                CategoryInput(name="Total", ignored=True),
            ],
        )
        text = exports.wide_csv(member.name).decode()
        text = text.replace("2026-02-01", dates[0]).replace("2026-02-02", dates[1])
        report = review_importer.reviews_import(
            source=source, table=read_table(text.encode()), importer=lead, commit=True
        )
        assert not [ln.errors for ln in report.lines if ln.errors]
        days = sorted(
            r.occurred_at.astimezone(timezone.get_current_timezone()).date().isoformat()
            for r in ReviewRating.objects.filter(category="Greeting")
        )
        assert days == expected
        notes = " ".join(report.notes)
        assert (note in notes) if note else ("first" not in notes)

    def test_a_date_that_is_no_day_is_an_error_on_its_line(self):
        with pytest.raises(ValueError, match=r"31\.02\.2026"):
            review_importer.parse_when("31.02.2026")
