"""``POST /api/v1/sops/import/``: import SOPs from a .docx, .md or .zip (docs/content.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.errors import NotFound, ValidationFailed
from courses.sop_import import services as sop_import
from courses.sop_import.files import MAX_UPLOAD_BYTES, read_sop_upload


class SopImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="A .docx, .md or .zip of them (multipart), up to 10 MB.", allow_empty_file=True
    )
    dry_run = serializers.BooleanField(default=False, help_text="Only preview; save nothing.")
    action = serializers.ChoiceField(
        choices=[("draft", "Save as drafts"), ("publish", "Publish")],
        default="draft",
        help_text="Save drafts (default) or publish each SOP as its next version.",
    )
    requires_reack = serializers.BooleanField(
        default=False,
        help_text="New versions require re-acknowledgement (a file's front matter wins).",
    )


class SopImportProblemOutput(serializers.Serializer):
    name = serializers.CharField(help_text="The file, or the entry inside the .zip.")
    message = serializers.CharField()


class SopImportItemOutput(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[("new", "new"), ("version", "version"), ("unchanged", "unchanged")],
        help_text="A new SOP, a new version of the SOP with this slug, or the same text.",
    )
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The SOP's current published version number."
    )
    version = serializers.IntegerField(
        allow_null=True, help_text="The number given when published (null: draft or preview)."
    )
    status = serializers.CharField(
        allow_null=True, help_text="“draft” or “published” once saved; null in a preview."
    )
    body_html = serializers.CharField(help_text="The body as learners will see it (sanitised).")
    notes = serializers.ListField(child=serializers.CharField())


class SopImportOutput(serializers.Serializer):
    dry_run = serializers.BooleanField()
    saved = serializers.BooleanField(help_text="True when something was written.")
    summary = serializers.CharField()
    sops = SopImportItemOutput(many=True)
    problems = SopImportProblemOutput(many=True)


class SopImportApi(APIView):
    """Import SOPs (admins). With ``dry_run``, only the preview; otherwise all the SOPs are
    saved as drafts or published in one transaction, or nothing when there is a problem."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request=SopImportInput,
        responses={
            200: OpenApiResponse(SopImportOutput, description="Preview, or nothing changed."),
            201: OpenApiResponse(SopImportOutput, description="SOPs saved."),
            400: OpenApiResponse(
                description="No file, or a file with problems (in ``problems``): nothing saved."
            ),
            404: OpenApiResponse(description="You may not import SOPs."),
        },
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if not sop_import.sop_import_may(user):
            raise NotFound(_("Not found."))
        data = SopImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values["file"]
        files, problems = read_sop_upload(
            upload.name or "upload", upload.read(MAX_UPLOAD_BYTES + 1)
        )
        plan = sop_import.sop_import_plan(files=files, problems=problems)
        problem_rows = [{"name": p.name, "message": p.message} for p in problems]
        if values["dry_run"]:
            return Response(self._body(plan, dry_run=True, saved=None))
        if problems:
            raise ValidationFailed(
                problems[0].message,
                field_errors={"file": [f"{p.name}: {p.message}" for p in problems]},
                extra={"problems": problem_rows},
            )
        outcome = sop_import.sop_import(
            user=user,
            files=files,
            action=values["action"],
            requires_reack=values["requires_reack"],
        )
        body = self._body(plan, dry_run=False, saved=outcome)
        return Response(body, status=status.HTTP_201_CREATED if outcome.changed else 200)

    @staticmethod
    def _body(
        plan: sop_import.SopImportPlan, *, dry_run: bool, saved: sop_import.SopImportOutcome | None
    ) -> dict[str, Any]:
        versions = {s.name: s.version for s in saved.saved} if saved else {}
        sops = []
        for item in plan.items:
            version = versions.get(item.file.name)
            sops.append(
                {
                    "name": item.file.name,
                    "title": item.file.title,
                    "slug": item.file.slug,
                    "kind": item.kind,
                    "current_version": item.current.number if item.current else None,
                    "version": version.number if version else None,
                    "status": version.status if version else None,
                    "body_html": item.html,
                    "notes": list(item.notes),
                }
            )
        return SopImportOutput(
            {
                "dry_run": dry_run,
                "saved": bool(saved and saved.changed),
                "summary": plan.summary,
                "sops": sops,
                "problems": [{"name": p.name, "message": p.message} for p in plan.problems],
            }
        ).data
