"""Templated email: HTML and plain text, rendered in the recipient's language and time zone."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    time_zone: str | None = None,
) -> None:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` and send one message.

    Raises on delivery failure so the calling task can retry.
    """
    context = {"site_url": settings.SITE_URL, **context}
    tz = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    with translation.override(language or settings.LANGUAGE_CODE), timezone.override(tz):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
