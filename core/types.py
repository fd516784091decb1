"""Types shared by the public boundary of every app (services, selectors).

The person looking (``Viewer``) lives next to ``User`` in ``accounts.models``: ``core`` imports
no app.
"""

from __future__ import annotations

import uuid
from typing import TypeAlias

RawId: TypeAlias = int | str
"""An object id as a caller may hand it over before it is parsed: an ``int`` from a URL
converter or a task, a ``str`` from a query string, a form or JSON. Services and selectors parse
it with ``core.ids.parse_id`` and answer ``NotFound`` (or ``ValidationFailed`` where the id is
a field of the input) for anything that is not a valid id of ours, never a 500."""

RawUuid: TypeAlias = uuid.UUID | str
"""The same for objects keyed by a UUID (invitations): a ``UUID`` from a URL converter or a
``str`` from a task or JSON, parsed with ``core.ids.parse_uuid``."""
