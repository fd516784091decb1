from core.task_names import renamed_task
from xapi.services import statements_deliver


@renamed_task(
    name="xapi.statements_deliver",
    old_name="xapi.deliver",  # deprecated alias: remove in the next release
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def deliver_task() -> dict[str, int]:
    """Send the xAPI outbox (every minute, and after events commit). Parallel runs take
    different rows (``SKIP LOCKED``); a second run finds nothing to send."""
    report = statements_deliver()
    return {"sent": report.sent, "failed": report.failed, "deferred": report.deferred}
