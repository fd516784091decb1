from celery import shared_task

from accounts.services import invitation_send, invitations_send_pending


@shared_task(
    name="accounts.invitation_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def invitation_send_task(invitation_id: str) -> bool:
    """Email an invitation link; a second run sends nothing (see ``invitation_send``)."""
    return invitation_send(invitation_id=invitation_id)


@shared_task(name="accounts.invitations_send_pending", acks_late=True)
def invitations_send_pending_task() -> int:
    """Sweep: send invitations whose first send never reached the broker."""
    return invitations_send_pending()
