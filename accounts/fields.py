"""Fields for a person's email address, for pages (``email_field``) and the API
(``email_input``): at most ``EMAIL_MAX_LENGTH`` characters, the column's size, with the same
message. Other apps' forms and serializers use them for candidates' and invitees' addresses."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import serializers

from accounts.models import EMAIL_MAX_LENGTH, EMAIL_TOO_LONG


def email_field(**kwargs: Any) -> forms.EmailField:
    """An address to store: at most ``EMAIL_MAX_LENGTH`` characters, the column's size."""
    return forms.EmailField(
        max_length=EMAIL_MAX_LENGTH, error_messages={"max_length": EMAIL_TOO_LONG}, **kwargs
    )


def email_input(**kwargs: Any) -> serializers.EmailField:
    """An address to store: at most ``EMAIL_MAX_LENGTH`` characters, the column's size."""
    return serializers.EmailField(
        max_length=EMAIL_MAX_LENGTH, error_messages={"max_length": EMAIL_TOO_LONG}, **kwargs
    )
