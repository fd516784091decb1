"""Signed ids for links sent by email (invitations, candidate links).

A link's token is a plain signature of the id: the same for every email about one object, so
a resent email carries the same link. Expiry and revocation live on the object, so the token
needs no timestamp. Links sent before tokens were plain signatures were timestamped
(``signing.dumps`` with ``salt``); they still open.
"""

from __future__ import annotations

from django.core import signing


def link_token(value: str, *, salt: str) -> str:
    return signing.Signer(salt=f"{salt}.link").sign(value)


def link_value(token: str, *, salt: str) -> str:
    """The signed value; ``signing.BadSignature`` for a link we did not sign."""
    try:
        return signing.Signer(salt=f"{salt}.link").unsign(token)
    except signing.BadSignature:
        return str(signing.loads(token, salt=salt))  # a timestamped link sent before
