"""CSV exports escape cells a spreadsheet would run as formulas."""

import csv
import io

import pytest

from assessments import services as assessments_services
from core.csv_export import csv_safe
from qa import services as qa_services
from skills.models import Skill

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.test")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_dangerous_cells_get_an_apostrophe(payload):
    assert csv_safe(payload) == "'" + payload


HIDDEN_STARTS = {
    "bom-equals": '\ufeff=HYPERLINK("http://evil.test")',
    "space-equals": "  =1+1",
    "nbsp-plus": "\u00a0+1+1",
    "newline-minus": "\n-2+3",
    "bom-space-at": "\ufeff @SUM(A1)",
    "zero-width-equals": "\u200b=cmd",
    "space-tab": " \tcmd",
    "bom-cr": "\ufeff\rcmd",
}


@pytest.mark.parametrize("payload", HIDDEN_STARTS.values(), ids=HIDDEN_STARTS.keys())
def test_a_formula_after_a_bom_or_whitespace_gets_an_apostrophe_too(payload):
    assert csv_safe(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", ["Plain", "3.5", "", None, "a=b", "user@example.test", " a = b", "\ufeffPlain"]
)
def test_other_cells_are_unchanged(value):
    assert csv_safe(value) == ("" if value is None else str(value))


def read(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_findings_export_escapes_what_a_qa_tool_sent(client, lead, member, team, catalogue):
    for n, payload in enumerate(PAYLOADS):
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref=f"T{n}",
            criterion=payload,
            skill=Skill.objects.get(slug="escalations"),
            note=payload,
        )
    client.force_login(lead)
    response = client.get(f"/teams/{team.pk}/findings.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read(response)
    assert rows[0][:5] == [
        "occurred_at",
        "agent_email",
        "agent_name",
        "interaction_ref",
        "criterion",
    ]
    criteria = sorted(row[4] for row in rows[1:])
    # fields are trimmed when recorded, so "\tcmd" is stored (and exported) as plain "cmd"
    assert criteria == sorted(csv_safe(p.strip()) for p in PAYLOADS)
    assert '\'=HYPERLINK("http://evil.test")' in criteria
    assert all(not row[7].startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:])


def test_the_findings_export_escapes_a_formula_behind_a_bom(client, lead, member, team, catalogue):
    payload = HIDDEN_STARTS["bom-equals"]  # trimming keeps the BOM: it is not whitespace
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T1",
        criterion=payload,
        skill=Skill.objects.get(slug="escalations"),
        note=payload,
    )
    client.force_login(lead)
    text = b"".join(client.get(f"/teams/{team.pk}/findings.csv").streaming_content).decode()
    row = next(csv.reader(io.StringIO(text.removeprefix("\ufeff").splitlines()[1])))
    assert (row[4], row[7]) == ("'" + payload, "'" + payload)


def test_the_results_export_escapes_candidate_names(
    client, lead, team, quiz, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="c@example.test",
        name="=cmd|'/c calc'!A1",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=2),
    )
    attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
    with django_capture_on_commit_callbacks(execute=True):
        assessments_services.attempt_submit(attempt=attempt)
    client.force_login(lead)
    rows = read(client.get(f"/teams/{team.pk}/results.csv"))
    assert rows[1][:3] == ["c@example.test", "'=cmd|'/c calc'!A1", "candidate"]
    assert rows[1][5] == "Scored"


@pytest.mark.parametrize("url", ["/teams/{team}/findings.csv", "/teams/{team}/results.csv"])
def test_exports_are_for_the_teams_leads_only(client, outsider, member, team, url):
    for who in (outsider, member):
        client.force_login(who)
        assert client.get(url.format(team=team.pk)).status_code == 404


# exact query counts of each export (the file fully streamed), for 2 rows of each and for 10
EXPORT_QUERIES = {"findings.csv": 4, "results.csv": 5}


def test_exports_make_the_same_queries_for_few_and_many_rows(
    client, lead, team, quiz, catalogue, assert_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from tests import factories

    def add(n: int) -> None:
        for _ in range(n):
            agent = factories.UserFactory.create()
            factories.MembershipFactory.create(user=agent, team=team)
            qa_services.finding_record(
                reviewer=lead,
                agent=agent,
                interaction_ref="T-1",
                criterion="Greeting",
                skill=Skill.objects.get(slug="escalations"),
            )
            assessments_services.attempt_start(quiz=quiz, user=agent)
            invitation = assessments_services.candidate_invitation_create(
                invited_by=lead,
                email=f"c{agent.pk}@example.test",
                quiz=quiz,
                expires_at=timezone.now() + timedelta(days=2),
            )
            assessments_services.attempt_start(quiz=quiz, invitation=invitation)

    def export(name: str) -> None:
        with assert_queries(EXPORT_QUERIES[name]):
            response = client.get(f"/teams/{team.pk}/{name}")
            assert response.status_code == 200
            read(response)  # the queries run while the file streams

    client.force_login(lead)
    urls = [f"/teams/{team.pk}/findings.csv", f"/teams/{team.pk}/results.csv"]
    add(2)
    for name in EXPORT_QUERIES:
        export(name)
    assert [len(read(client.get(url))) for url in urls] == [3, 5]
    add(8)
    for name in EXPORT_QUERIES:
        export(name)
    assert [len(read(client.get(url))) for url in urls] == [11, 21]


def test_the_results_export_speaks_the_viewers_language(client, lead, team, quiz, member):
    from django.utils import translation

    assessments_services.attempt_start(quiz=quiz, user=member)
    lead.language = "pl"
    lead.locale_chosen = True
    lead.save(update_fields=["language", "locale_chosen"])
    client.force_login(lead)
    rows = read(client.get(f"/teams/{team.pk}/results.csv"))
    with translation.override("pl"):
        expected = [str(translation.gettext(w)) for w in ("Email", "Started", "Status")]
        member_word = translation.gettext("member")
        in_progress = translation.gettext("In progress")
    assert expected[1] != "Started"  # the catalogue has it
    assert [rows[0][0], rows[0][4], rows[0][5]] == expected
    assert rows[1][2] == member_word
    assert rows[1][5] == in_progress
