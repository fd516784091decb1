"""CSV import (preview, row errors, idempotency) and the QA and skill APIs with every role."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Assignment
from qa import services as qa_services
from qa.models import QAFinding, TrainingRule, TrainingSuggestion
from qa.reviews import findings_csv
from skills.models import Skill, SkillEvidence, SkillProficiency
from tests import bad_inputs, factories

pytestmark = pytest.mark.django_db

HEADER = "agent_email,interaction_ref,criterion,skill,severity,note,occurred_at\n"


def csv_for(member, extra=""):
    return (
        HEADER
        + f"{member.email},TCK-1,Escalated in time,escalations,high,Late,2026-01-10\n"
        + f"{member.email.upper()},TCK-2,Escalated in time,escalations,low,,2026-01-11T09:30\n"
        + extra
    )


class TestImport:
    def test_a_preview_saves_nothing_and_shows_row_errors(self, lead, member, outsider, catalogue):
        bad = (
            f"{outsider.email},TCK-3,X,escalations,high,,2026-01-10\n"
            f"{member.email},TCK-4,X,no-such-skill,high,,2026-01-10\n"
            f"{member.email},TCK-5,X,escalations,urgent,,2026-01-10\n"
            f"{member.email},TCK-6,X,escalations,low,,31/13/2026\n"
            f"{member.email},,X,escalations,low,,\n"
            f"{member.email},TCK-7,X,escalations,low,,2099-01-01\n"
        )
        report = findings_csv.findings_import(
            reviewer=lead, content=csv_for(member, bad), commit=False
        )
        assert (report.valid, report.invalid, report.created) == (2, 6, 0)
        errors = {row.line: sorted(row.errors) for row in report.rows if not row.ok}
        assert errors == {
            4: ["agent_email"],
            5: ["skill"],
            6: ["severity"],
            7: ["occurred_at"],
            8: ["interaction_ref"],
            9: ["occurred_at"],
        }
        assert not QAFinding.objects.exists()

    def test_importing_twice_creates_nothing_the_second_time(
        self, lead, member, catalogue, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = findings_csv.findings_import(
                reviewer=lead, content=csv_for(member).encode(), commit=True
            )
        assert first.created == 2
        finding = QAFinding.objects.get(interaction_ref="TCK-1")
        assert (finding.agent, finding.severity, finding.source, finding.reviewer) == (
            member,
            "high",
            "csv",
            lead,
        )
        assert SkillEvidence.objects.filter(source="qa_finding", source_id=finding.pk).count() == 1
        second = findings_csv.findings_import(
            reviewer=lead, content=csv_for(member).encode(), commit=True
        )
        assert (second.created, second.duplicates) == (0, 2)
        assert QAFinding.objects.count() == 2

    def test_a_file_with_duplicate_rows_imports_each_once(self, lead, member, catalogue):
        line = f"{member.email},TCK-9,Escalated in time,escalations,low,,2026-01-10\n"
        report = findings_csv.findings_import(
            reviewer=lead, content=HEADER + line + line, commit=True
        )
        assert (report.created, report.duplicates) == (1, 1)

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ("agent_email,criterion\nx,y\n", "Missing columns: interaction_ref, skill, severity."),
            (HEADER, "The file has no rows."),
            (b"\xff\xfe\x00bad", "Missing columns: " + ", ".join(findings_csv.REQUIRED) + "."),
            (
                HEADER + "a@x,T-1,C,s,low,,\n" * (findings_csv.MAX_ROWS + 1),
                "At most 5000 rows per file.",
            ),
            (HEADER + "a@x,T\x001,C,s,low,,\n", "The file is not text (it holds binary data)."),
            (
                HEADER + "a@x," + "x" * 140_000 + ",C,s,low,,\n",
                "The file is not valid CSV: field larger than field limit (131072).",
            ),
        ],
        ids=["missing-columns", "empty", "utf16-garbage", "too-many-rows", "nul", "huge-field"],
    )
    def test_unusable_files_say_why(self, lead, catalogue, content, problem):
        assert findings_csv.findings_import(
            reviewer=lead, content=content, commit=True
        ).problems == [problem]

    def test_a_windows_code_page_file_is_read_like_a_review_export(self, lead, member, catalogue):
        """The findings CSV goes through the review import's reader: a file saved by Excel
        in a Windows code page is read, and the preview says which."""
        line = f"{member.email},T-9,Empathy,escalations,high,Kunde verärgert – café,\n"
        report = findings_csv.findings_import(
            reviewer=lead, content=(HEADER + line).encode("cp1252"), commit=True
        )
        assert report.problems == [], report.problems
        assert any("Windows" in note for note in report.notes), report.notes
        assert report.created == 1
        assert QAFinding.objects.get(interaction_ref="T-9").note == "Kunde verärgert – café"

    def test_day_first_dates_are_read_as_the_file_writes_them(self, lead, member, catalogue):
        line = f"{member.email},T-31,Empathy,escalations,low,,31.03.2026\n"
        report = findings_csv.findings_import(reviewer=lead, content=HEADER + line, commit=True)
        assert [r.errors for r in report.rows] == [{}]
        finding = QAFinding.objects.get(interaction_ref="T-31")
        assert timezone.localtime(finding.occurred_at).date().isoformat() == "2026-03-31"

    def test_the_import_page_previews_then_imports(self, client, lead, member, team, catalogue):
        client.force_login(lead)
        url = f"/teams/{team.pk}/findings/import/"
        upload = SimpleUploadedFile(
            "qa.csv", csv_for(member, f"{member.email},TCK-3,X,nope,low,,\n").encode(), "text/csv"
        )
        preview = client.post(url, {"file": upload})
        page = preview.content.decode()
        assert "2 new rows can be imported. 0 are already recorded. 1 has errors." in page
        assert "Unknown skill" in page
        assert not QAFinding.objects.exists()
        content = preview.context["content"]
        done = client.post(url, {"content": content, "confirm": "1"})
        assert done.status_code == 302
        assert QAFinding.objects.count() == 2

    def test_the_import_page_previews_then_imports_a_workbook(
        self, client, lead, member, team, catalogue
    ):
        """A workbook's bytes can't be decoded as text to post back: the preview was a 500."""
        client.force_login(lead)
        url = f"/teams/{team.pk}/findings/import/"
        rows = [line.split(",") for line in csv_for(member).splitlines()]
        upload = SimpleUploadedFile("qa.xlsx", bad_inputs.xlsx(rows))
        preview = client.post(url, {"file": upload})
        assert preview.status_code == 200
        assert "2 new rows can be imported." in preview.content.decode()
        done = client.post(url, {"content": preview.context["content"], "confirm": "1"})
        assert done.status_code == 302
        assert sorted(QAFinding.objects.values_list("interaction_ref", flat=True)) == [
            "TCK-1",
            "TCK-2",
        ]

    def test_the_import_api_dry_run_and_commit(self, api_as, lead, member, catalogue):
        api = api_as(lead)
        dry = api.post(
            "/api/v1/qa-findings/import/", {"csv": csv_for(member), "dry_run": True}, format="json"
        )
        assert dry.status_code == 200
        assert (dry.json()["valid"], dry.json()["created"]) == (2, 0)
        assert not QAFinding.objects.exists()
        upload = SimpleUploadedFile("qa.csv", csv_for(member).encode(), "text/csv")
        done = api.post("/api/v1/qa-findings/import/", {"file": upload}, format="multipart")
        assert done.status_code == 201
        assert done.json()["created"] == 2
        bad = api.post("/api/v1/qa-findings/import/", {"csv": "a,b\n1,2\n"}, format="json")
        assert bad.status_code == 400
        assert bad.json()["detail"].startswith("Missing columns")


class TestFindingsApi:
    def payload(self, member, **extra):
        return {
            "agent": member.pk,
            "interaction_ref": "CALL-1",
            "criterion": "Greeting",
            "skill": "escalations",
            "severity": "low",
            "note": "n",
            **extra,
        }

    def test_a_lead_records_a_finding(self, api_as, lead, member, catalogue):
        response = api_as(lead).post("/api/v1/qa-findings/", self.payload(member), format="json")
        assert response.status_code == 201
        body = response.json()
        assert (body["agent"], body["skill"], body["severity"], body["source"]) == (
            member.pk,
            "escalations",
            "low",
            "api",
        )
        again = api_as(lead).post("/api/v1/qa-findings/", self.payload(member), format="json")
        assert again.status_code == 409
        assert again.json()["id"] == body["id"]

    @pytest.mark.parametrize("who", ["outsider", "member"])
    def test_findings_on_someone_outside_ones_teams_are_404(
        self, api_as, request, member, lead, catalogue, who
    ):
        target = lead if who == "member" else member
        response = api_as(request.getfixturevalue(who)).post(
            "/api/v1/qa-findings/", self.payload(target), format="json"
        )
        assert response.status_code == 404
        assert not QAFinding.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("skill", "nope"),
            ("severity", "urgent"),
            ("interaction_ref", ""),
            ("occurred_at", "2099-01-01T00:00:00Z"),
        ],
    )
    def test_bad_fields_are_400(self, api_as, lead, member, catalogue, field, value):
        response = api_as(lead).post(
            "/api/v1/qa-findings/", self.payload(member, **{field: value}), format="json"
        )
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not QAFinding.objects.exists()

    def test_the_list_is_scoped(self, api_as, lead, member, outsider, catalogue):
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="T1",
            criterion="C",
            skill=Skill.objects.get(slug="escalations"),
        )
        assert api_as(lead).get("/api/v1/qa-findings/").json()["count"] == 1
        assert api_as(member).get("/api/v1/qa-findings/").json()["count"] == 1  # their own
        assert api_as(outsider).get("/api/v1/qa-findings/").json()["count"] == 0


class TestSkillGapsApi:
    def test_the_contract_fields_and_order(self, api_as, lead, member, team, catalogue):
        other = factories.UserFactory.create(name="Zed")
        factories.MembershipFactory.create(user=other, team=team)
        for n in range(3):  # member: three high-severity findings on escalations
            qa_services.finding_record(
                reviewer=lead,
                agent=member,
                interaction_ref=f"T{n}",
                criterion="C",
                skill=Skill.objects.get(slug="escalations"),
                severity="high",
            )
        from skills.services import profiles_rebuild

        profiles_rebuild()
        body = api_as(lead).get(f"/api/v1/teams/{team.pk}/skill-gaps/").json()
        assert set(body) >= {"team", "skills", "members"}
        assert body["team"] == team.pk
        assert body["skills"] == ["escalations", "kpi-literacy"]
        first = body["members"][0]
        assert first["user"] == member.pk  # the biggest gap first
        escalations = first["skills"][0]
        assert set(escalations) >= {"skill", "level", "confidence", "target", "gap"}
        assert escalations["skill"] == "escalations"
        assert escalations["target"] == 0.7
        assert escalations["level"] == pytest.approx(1 / (2 + 6), abs=1e-3)  # 3 × weight 2 against
        assert escalations["gap"] == pytest.approx(0.7 - 0.125, abs=1e-3)
        metrics = first["skills"][1]
        assert (metrics["enough_evidence"], metrics["gap"]) == (False, None)
        assert body["members"][1]["user"] == other.pk

        only = (
            api_as(lead)
            .get(f"/api/v1/teams/{team.pk}/skill-gaps/?skill=escalations&min_gap=0.3")
            .json()
        )
        assert [m["user"] for m in only["members"]] == [member.pk]
        assert only["skills"] == ["escalations"]
        bad = api_as(lead).get(f"/api/v1/teams/{team.pk}/skill-gaps/?min_gap=lots")
        assert bad.status_code == 400
        assert (
            api_as(lead).get(f"/api/v1/teams/{team.pk}/skill-gaps/?skill=nope").status_code == 404
        )

    @pytest.mark.parametrize(
        ("who", "status"), [("admin_user", 200), ("lead", 200), ("member", 404), ("outsider", 404)]
    )
    def test_only_the_teams_leads_and_admins(self, api_as, request, team, catalogue, who, status):
        assert (
            api_as(request.getfixturevalue(who))
            .get(f"/api/v1/teams/{team.pk}/skill-gaps/")
            .status_code
            == status
        )

    @pytest.mark.parametrize(
        ("who", "status"), [("member", 200), ("lead", 200), ("admin_user", 200), ("outsider", 404)]
    )
    def test_a_profile_is_visible_to_its_owner_their_lead_and_admins(
        self, api_as, request, member, catalogue, who, status
    ):
        response = api_as(request.getfixturevalue(who)).get(
            f"/api/v1/users/{member.pk}/skill-profile/"
        )
        assert response.status_code == status

    def test_a_profile_explains_every_number(self, api_as, lead, member, catalogue):
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="T1",
            criterion="C",
            skill=Skill.objects.get(slug="escalations"),
            severity="critical",
        )
        from skills.services import profiles_rebuild

        profiles_rebuild()
        body = api_as(member).get(f"/api/v1/users/{member.pk}/skill-profile/").json()
        escalations = body["skills"][0]
        [item] = escalations["evidence_items"]
        assert item["source"] == "qa_finding"
        assert item["about"] == "QA: C on T1 (critical)"
        beta = item["beta_now"]
        assert beta == pytest.approx(3.0, abs=1e-3)
        prior = body["model"]["prior_alpha"]
        assert escalations["level"] == pytest.approx(prior / (2 + beta), abs=1e-3)

    def test_the_org_report_is_for_admins_only(
        self, api_as, client, admin_user, lead, member, catalogue
    ):
        assert api_as(lead).get("/api/v1/skill-gaps/").status_code == 404
        body = api_as(admin_user).get("/api/v1/skill-gaps/").json()
        assert body["count"] == 1
        assert body["results"][0]["user"] == member.pk
        assert [s["skill"] for s in body["skills"]] == ["escalations", "kpi-literacy"]
        client.force_login(lead)
        assert client.get("/reports/skills/").status_code == 404
        client.force_login(admin_user)
        assert client.get("/reports/skills/").status_code == 200


def test_suggestions_api_accept_and_dismiss(
    api_as, lead, member, outsider, catalogue, django_capture_on_commit_callbacks
):
    TrainingRule.objects.create(
        name="r",
        skill=catalogue["escalations"],
        module=catalogue["module"],
        threshold=1,
        mode="suggest",
    )
    with django_capture_on_commit_callbacks(execute=True):
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="T1",
            criterion="C",
            skill=Skill.objects.get(slug="escalations"),
        )
    [item] = api_as(lead).get("/api/v1/training-suggestions/").json()["results"]
    assert (
        api_as(outsider).post(f"/api/v1/training-suggestions/{item['id']}/accept/").status_code
        == 404
    )
    accepted = api_as(lead).post(f"/api/v1/training-suggestions/{item['id']}/accept/")
    assert accepted.json()["status"] == "accepted"
    assert Assignment.objects.get().user == member
    assert (
        api_as(lead).post(f"/api/v1/training-suggestions/{item['id']}/dismiss/").json()["status"]
        == "accepted"
    )
    assert TrainingSuggestion.objects.get().status == "accepted"


def test_the_lead_records_a_finding_on_the_page(client, lead, member, team, catalogue):
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/findings/",
        {
            "agent": member.pk,
            "interaction_ref": "TCK-77",
            "criterion": "Greeting",
            "skill": "escalations",
            "severity": "high",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert QAFinding.objects.get().interaction_ref == "TCK-77"
    again = client.post(
        f"/teams/{team.pk}/findings/",
        {
            "agent": member.pk,
            "interaction_ref": "TCK-77",
            "criterion": "Greeting",
            "skill": "escalations",
            "severity": "high",
        },
    )
    assert "already recorded" in again.content.decode()
    assert QAFinding.objects.count() == 1
    future = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/teams/{team.pk}/findings/",
        {
            "agent": member.pk,
            "interaction_ref": "T9",
            "criterion": "G",
            "skill": "escalations",
            "severity": "low",
            "occurred_at": future,
        },
    )
    assert QAFinding.objects.count() == 1


class TestDeleting:
    def test_deleting_findings_in_the_admin_deletes_their_evidence(
        self, client, admin_user, lead, member, catalogue, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            finding = qa_services.finding_record(
                reviewer=lead,
                agent=member,
                interaction_ref="TCK-DEL",
                criterion="Greets",
                skill=catalogue["escalations"],
            )
        evidence = SkillEvidence.objects.filter(source="qa_finding", source_id=finding.pk)
        assert evidence.count() == 1
        client.force_login(admin_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/qa/qafinding/{finding.pk}/delete/", {"post": "yes"}, follow=True
            )
        assert response.status_code == 200
        assert not QAFinding.objects.filter(pk=finding.pk).exists()
        assert evidence.count() == 0
        assert not SkillProficiency.objects.filter(
            user=member, skill=catalogue["escalations"]
        ).exists()
