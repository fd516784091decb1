"""Issue 13, SOPs from Word and Markdown: the plan (preview), saving all or nothing, the
"Import SOPs" page, the API and ``manage.py import_sops``."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses import services as courses_services
from courses.models import SOP, Assignment, SOPVersion
from courses.sop_import import services as sop_import
from courses.sop_import.files import MAX_UPLOAD_BYTES, read_sop_upload
from tests import factories
from tests.docx_builder import DocxBuilder, image, run

pytestmark = pytest.mark.django_db

URL = "/import/sops/"
API = "/api/v1/sops/import/"

REFUNDS = b"""---
title: Refund handling
slug: refunds
skills: [refunds, nonsense-skill]
---
# Refund handling

1. Check the order.
2. Refund **within 14 days**.
"""


def md(
    body: str, *, slug: str = "refunds", title: str = "Refund handling", extra: str = ""
) -> bytes:
    return f"---\ntitle: {title}\nslug: {slug}\n{extra}---\n{body}".encode()


def zipped(**entries: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def files_of(name: str, data: bytes):
    files, problems = read_sop_upload(name, data)
    assert problems == []
    return files


def reader_of(sop: SOP):
    """Someone who acknowledged the SOP's current version."""
    user = factories.UserFactory.create()
    version = sop.versions.get(number=sop.versions.filter(number__isnull=False).count())
    courses_services.sop_acknowledge(user=user, version=version)
    return user


# --- the service ------------------------------------------------------------------------------


def test_a_new_slug_creates_the_sop_with_version_1(admin_user):
    outcome = sop_import.sop_import(
        user=admin_user, files=files_of("r.md", REFUNDS), action="publish", requires_reack=None
    )

    sop = SOP.objects.get(slug="refunds")
    version = sop.versions.get()
    assert (sop.title, version.number, version.status) == ("Refund handling", 1, "published")
    assert "<strong>within 14 days</strong>" in version.body_html
    assert version.change_summary == "Imported from r.md."
    assert version.created_by == admin_user
    assert [(s.kind, s.version) for s in outcome.saved] == [("new", version)]


def test_drafts_are_not_published(admin_user):
    sop_import.sop_import(
        user=admin_user, files=files_of("r.md", REFUNDS), action="draft", requires_reack=None
    )
    version = SOPVersion.objects.get(sop__slug="refunds")
    assert (version.status, version.number) == ("draft", None)


@pytest.mark.parametrize(
    ("front_matter", "form_choice", "assigned"),
    [
        pytest.param("", True, True, id="form-yes"),
        pytest.param("", False, False, id="form-no"),
        pytest.param("requires_reack: false\n", True, False, id="front-matter-no-wins"),
        pytest.param("requires_reack: true\n", False, True, id="front-matter-yes-wins"),
    ],
)
def test_an_existing_slug_gets_a_new_version_with_the_reack_choice(
    admin_user, django_capture_on_commit_callbacks, front_matter, form_choice, assigned
):
    sop = factories.sop_published("1. Check the order.\n", title="Refund handling")
    sop.slug = "refunds"
    sop.save()
    reader = reader_of(sop)
    data = md("1. Check the order.\n2. Refund.\n", extra=front_matter)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = sop_import.sop_import(
            user=admin_user,
            files=files_of("r.md", data),
            action="publish",
            requires_reack=form_choice,
        )

    v2 = sop.versions.get(number=2)
    assert outcome.saved[0].kind == "version"
    assert v2.requires_reack is assigned
    assert Assignment.objects.filter(user=reader, sop=sop, sop_version=v2).exists() is assigned


def test_importing_the_current_text_again_changes_nothing(admin_user):
    files = files_of("r.md", REFUNDS)
    sop_import.sop_import(user=admin_user, files=files, action="publish", requires_reack=None)
    before = list(SOPVersion.objects.values_list("pk", "number", "status", "body"))

    plan = sop_import.sop_import_plan(files=files)
    outcome = sop_import.sop_import(
        user=admin_user, files=files, action="publish", requires_reack=True
    )

    assert [item.kind for item in plan.items] == ["unchanged"]
    assert [(s.kind, s.version) for s in outcome.saved] == [("unchanged", None)]
    assert list(SOPVersion.objects.values_list("pk", "number", "status", "body")) == before


def test_the_plan_says_new_or_version_with_a_diff_and_notes_skills(db):
    factories.sop_published("Old text.\n", title="Escalations").__class__.objects.filter(
        title="Escalations"
    ).update(slug="escalations")
    factories.SkillFactory.create(slug="refunds")
    data = zipped(**{"a.md": REFUNDS, "b.md": md("New text.\n", slug="escalations", title="Esc")})

    plan = sop_import.sop_import_plan(files=files_of("sops.zip", data))

    refunds, escalations = plan.items
    assert (refunds.kind, escalations.kind) == ("new", "version")
    assert escalations.kind_label == "new version (v2)"
    assert [(line.op, line.text) for line in escalations.diff] == [
        ("removed", "Old text."),
        ("added", "New text."),
    ]
    assert any("changes from “Escalations” to “Esc”" in note for note in escalations.notes)
    skills_note = next(note for note in refunds.notes if "Linked to the skills" in note)
    assert "Linked to the skills refunds:" in skills_note
    assert "nonsense-skill is not a known skill and is left out." in skills_note
    assert plan.summary == "1 new SOP, 1 new version, 0 unchanged."
    assert SOP.objects.count() == 1  # the plan wrote nothing


def test_one_bad_file_in_a_zip_saves_nothing(admin_client):
    data = zipped(**{"good.md": REFUNDS, "bad.md": b"---\ntitle: [unclosed\n---\nText\n"})

    response = admin_client.post(URL, {"file": SimpleUploadedFile("sops.zip", data)})

    assert response.status_code == 200
    content = response.content.decode()
    assert "bad.md" in content
    assert "front matter is not valid YAML" in content
    assert 'name="token"' not in content  # no way to confirm
    assert not SOP.objects.exists()


# --- the page ---------------------------------------------------------------------------------


def test_upload_preview_confirm_and_no_script_reaches_the_page(admin_client):
    data = md("Hello <script>alert('x')</script> **there**.\n")

    preview = admin_client.post(URL, {"file": SimpleUploadedFile("r.md", data)})

    content = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>there</strong>" in content
    assert "<script>alert" not in content
    assert "new SOP" in content
    assert not SOP.objects.exists()  # nothing saved before confirming
    token = preview.context["token"]
    assert token

    done = admin_client.post(URL, {"token": token, "action": "publish", "requires_reack": "no"})

    assert done.status_code == 200
    sop = SOP.objects.get(slug="refunds")
    assert sop.versions.get().number == 1
    assert "1 SOP was published." in done.content.decode()
    assert reverse("courses:sop", args=["refunds"]) in done.content.decode()
    # the token is spent: confirming twice does not import twice
    again = admin_client.post(URL, {"token": token, "action": "publish"}, follow=True)
    assert "This preview has expired" in again.content.decode()
    assert SOPVersion.objects.count() == 1


def test_a_docx_previews_with_its_formatting_and_a_note_for_images(admin_client):
    doc = DocxBuilder().heading("Returns", level=1).paragraph("Always ", run("check", bold=True))
    doc.paragraph(image())

    response = admin_client.post(URL, {"file": SimpleUploadedFile("Returns.docx", doc.build())})

    content = response.content.decode()
    assert "Always <strong>check</strong>" in content
    assert "image" in content.lower()
    assert response.context["plan"].items[0].file.slug == "returns"


def test_an_expired_or_foreign_token_saves_nothing(admin_client, admin_user):
    token = sop_import.sop_upload_stash(
        user=factories.UserFactory.create(is_staff=True), name="r.md", data=REFUNDS
    )

    response = admin_client.post(URL, {"token": token, "action": "draft"}, follow=True)

    assert "This preview has expired" in response.content.decode()
    assert not SOP.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("r.md", b"   ", "The file is empty.", id="blank"),
        pytest.param("r.pdf", b"%PDF-1.4", "“.pdf” files can't be imported", id="wrong-type"),
        pytest.param("r.md", "Café crème\n".encode("latin-1"), "UTF-8", id="latin-1"),
        pytest.param("r.md", b"x" * (MAX_UPLOAD_BYTES + 1), "the limit is 10", id="huge"),
        pytest.param("r.zip", b"PK\x03\x04 not a zip", "not a valid .zip", id="broken-zip"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_page_and_the_api(
    admin_client, admin_user, api_as, name, data, message
):
    page = admin_client.post(URL, {"file": SimpleUploadedFile(name, data)})
    api = api_as(admin_user).post(
        API, {"file": SimpleUploadedFile(name, data), "dry_run": "true"}, format="multipart"
    )
    saving = api_as(admin_user).post(
        API, {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )

    assert page.status_code == 200
    assert message in html.unescape(page.content.decode())
    assert api.status_code == 200
    assert message in api.json()["problems"][0]["message"]
    assert saving.status_code == 400
    assert message in saving.json()["detail"]
    assert saving.json()["problems"][0]["name"] == name
    assert not SOP.objects.exists()


def test_an_empty_upload_is_refused_by_the_form(admin_client):
    response = admin_client.post(URL, {"file": SimpleUploadedFile("r.md", b"")})
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()


@pytest.mark.parametrize("role", ["lead", "member", "outsider"])
def test_only_admins_may_import(client, request, password, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": SimpleUploadedFile("r.md", REFUNDS)}).status_code == 404
    assert not SOP.objects.exists()


@pytest.mark.parametrize("role", ["lead", "member"])
def test_only_admins_may_use_the_api(api_as, request, role):
    response = api_as(request.getfixturevalue(role)).post(
        API, {"file": SimpleUploadedFile("r.md", REFUNDS)}, format="multipart"
    )
    assert response.status_code == 404
    assert not SOP.objects.exists()


def test_the_admin_changelist_and_the_sop_list_link_to_the_import(admin_client, client, member):
    assert URL in admin_client.get("/admin/courses/sop/").content.decode()
    assert URL in admin_client.get("/sops/").content.decode()
    client.force_login(member)
    assert URL not in client.get("/sops/").content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_the_preview_makes_the_same_queries_whatever_the_number_of_files(
    admin_client, assert_queries, count
):
    for n in range(count):
        sop = factories.sop_published("Old.\n", title=f"SOP {n}")
        SOP.objects.filter(pk=sop.pk).update(slug=f"sop-{n}")
    data = zipped(
        **{f"s{n}.md": md(f"New {n}.\n", slug=f"sop-{n}", title=f"SOP {n}") for n in range(count)}
    )
    upload = SimpleUploadedFile("sops.zip", data)

    # session, user, SOPs by slug, their versions (no skills named: no skill query), and the
    # navigation's led teams and unread notifications
    with assert_queries(6):
        response = admin_client.post(URL, {"file": upload})

    assert len(response.context["plan"].items) == count


# --- the API ----------------------------------------------------------------------------------


def test_api_dry_run_then_save(admin_user, api_as):
    client = api_as(admin_user)

    preview = client.post(
        API, {"file": SimpleUploadedFile("r.md", REFUNDS), "dry_run": "true"}, format="multipart"
    )

    assert preview.status_code == 200
    body = preview.json()
    assert (body["dry_run"], body["saved"], body["problems"]) == (True, False, [])
    assert [(s["slug"], s["kind"], s["version"]) for s in body["sops"]] == [
        ("refunds", "new", None)
    ]
    assert "<strong>within 14 days</strong>" in body["sops"][0]["body_html"]
    assert not SOP.objects.exists()

    saved = client.post(
        API, {"file": SimpleUploadedFile("r.md", REFUNDS), "action": "publish"}, format="multipart"
    )

    assert saved.status_code == 201
    assert [(s["kind"], s["version"], s["status"]) for s in saved.json()["sops"]] == [
        ("new", 1, "published")
    ]
    again = client.post(
        API, {"file": SimpleUploadedFile("r.md", REFUNDS), "action": "publish"}, format="multipart"
    )
    assert again.status_code == 200
    assert again.json()["sops"][0]["kind"] == "unchanged"
    assert SOPVersion.objects.count() == 1


def test_api_without_a_file_answers_400_in_the_api_format(admin_user, api_as):
    response = api_as(admin_user).post(API, {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "file" in response.json()["errors"]


# --- the command ------------------------------------------------------------------------------


def test_the_command_previews_saves_and_fails_on_problems(tmp_path: Path, db):
    good = tmp_path / "refunds.md"
    good.write_bytes(REFUNDS)
    out = io.StringIO()

    call_command("import_sops", str(good), "--dry-run", stdout=out)
    assert "refunds.md: Refund handling [refunds] new SOP" in out.getvalue()
    assert not SOP.objects.exists()

    call_command("import_sops", str(good), "--publish", stdout=out)
    assert SOPVersion.objects.get(sop__slug="refunds").number == 1
    assert "refunds: published as version 1" in out.getvalue()

    bad = tmp_path / "bad.zip"
    bad.write_bytes(zipped(**{"a.md": md("New.\n", slug="other"), "b.md": b""}))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_sops", str(bad), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "b.md: The file is empty." in err.getvalue()
    assert not SOP.objects.filter(slug="other").exists()
