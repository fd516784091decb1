"""Events of the accounts app, for the apps above it (subscribed in their ``AppConfig.ready``).

Sent inside the transaction that makes the change, so a failing subscriber rolls it back. The
audit trail (``audit``, the layer just above) records each one; accounts can't import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.db import models

from accounts.models import User
from core.hooks import Hook

AccountAction = Literal[
    "team.created",
    "membership.added",
    "membership.role_changed",
    "membership.removed",
    "user.admin_changed",
    "token.created",
    "token.revoked",
    "token.revoked_all",
    "sso.linked",
]


@dataclass(frozen=True)
class AccountChanged:
    """Something that matters to a person's access changed: a team, a membership or its role,
    admin rights, an API token, a single sign-on link.

    ``changes`` holds the before/after of the changed fields (``{"role": ["member", "lead"]}``)
    or the event's figures; ``label`` names ``obj`` without reading its relations (a
    membership's ``str`` would read its user and team). ``actor`` is who did it when the
    service knows; ``None`` leaves it to the subscriber (the person signed in on the request,
    or nobody for the system).
    """

    action: AccountAction
    obj: models.Model
    label: str = ""
    changes: Mapping[str, object] = field(default_factory=dict)
    actor: User | None = None


account_changed: Hook[AccountChanged] = Hook(
    "accounts.account_changed",
    doc="A team, membership, admin right, API token or single sign-on link changed.",
)
