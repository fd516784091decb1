"""The "Import SOPs" page (admins): upload → preview → save as drafts or publish.

Nothing is saved before the confirmation. The upload is kept on the server for an hour
(``courses.sop_import.services.sop_upload_stash``) and read again when the person confirms, so the
file is uploaded once and the saved SOPs are exactly the ones previewed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import request_user
from core.errors import DomainError
from core.forms import form_add_domain_error
from courses.sop_import import services as sop_import
from courses.sop_import.files import MAX_UPLOAD_BYTES, read_sop_upload


class SopUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=format_lazy(
            gettext_lazy(
                "A Word document (.docx), a Markdown file (.md) or a .zip of them, up to {limit}."
            ),
            limit=filesizeformat(MAX_UPLOAD_BYTES),
        ),
    )


class SopConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    action = forms.ChoiceField(
        choices=[("draft", gettext_lazy("Save as drafts")), ("publish", gettext_lazy("Publish"))]
    )
    requires_reack = forms.TypedChoiceField(
        label=gettext_lazy("New versions of existing SOPs"),
        choices=[
            ("no", gettext_lazy("No re-acknowledgement needed")),
            ("yes", gettext_lazy("Everyone who read an older version must read this one again")),
        ],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy("A file's own “requires_reack:” line wins over this choice."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sop_import_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not sop_import.sop_import_may(user):
        raise Http404("Not found.")
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, user)
    form = SopUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "upload"
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        files, problems = read_sop_upload(name, data)
        plan = sop_import.sop_import_plan(files=files, problems=problems)
        token = ""
        if plan.can_save:
            try:
                token = sop_import.sop_upload_stash(user=user, name=name, data=data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
        context.update(
            {"plan": plan, "filename": name, "confirm": SopConfirmForm(initial={"token": token})}
        )
        context["token"] = token
    return render(request, "courses/sop_import.html", context)


def _confirm(request: HttpRequest, user: Any) -> HttpResponse:
    form = SopConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to save drafts or publish, then confirm."))
        return redirect("courses:sop_import")
    token = form.cleaned_data["token"]
    try:
        name, data = sop_import.sop_upload_unstash(user=user, token=token)
        files, problems = read_sop_upload(name, data)
        if problems:  # the file was checked at the preview; a changed reader could differ
            messages.error(request, problems[0].message)
            return redirect("courses:sop_import")
        outcome = sop_import.sop_import(
            user=user,
            files=files,
            action=form.cleaned_data["action"],
            requires_reack=form.cleaned_data["requires_reack"] or False,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("courses:sop_import")
    sop_import.sop_upload_drop(user=user, token=token)
    if outcome.changed:
        text = (
            ngettext(
                "%(count)d SOP was published.", "%(count)d SOPs were published.", outcome.changed
            )
            if outcome.action == "publish"
            else ngettext(
                "%(count)d SOP was saved as a draft.",
                "%(count)d SOPs were saved as drafts.",
                outcome.changed,
            )
        )
        messages.success(request, text % {"count": outcome.changed})
    else:
        messages.info(request, _("Nothing changed: these SOPs already have this text."))
    return render(request, "courses/sop_import_done.html", {"outcome": outcome})
