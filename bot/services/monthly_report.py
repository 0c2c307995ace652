"""The Business Manager's monthly timeliness report: last month's figures and charts, by email.

Queued once per month through the outbox under the key timeliness_report:YYYY-MM, so a
restart, a second pass or a second instance finds it queued and sends nothing more.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.core.digest import monthly_report_due
from bot.services.daily_digest import send_digest_if_due
from bot.services.mailout import queue_email


def send_monthly_report_if_due(app: App) -> bool:
    """Queue last month's report if it is due and not yet queued; True when queued now."""
    if not app.config.digest.monthly_report:
        return False
    now = app.clock.now()
    local = now.astimezone(app.config.partnership.time_zone)
    month = monthly_report_due(local, app.config.digest.time, app.calendar)
    if month is None:
        return False
    start, end = month
    key = f"timeliness_report:{start:%Y-%m}"
    with app.sessions() as session:
        # Asked on every pass of the month; only the first gathers and draws anything.
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
            return False
        # Here, not at the top: the daemon loads matplotlib only on the day it draws.
        from bot.services.report_output import EVENT, report_email_context
        from bot.services.timeliness import timeliness

        report = timeliness(session, app.config, start, end, local.date())
        context, images = report_email_context(report, "cid", monthly=True)
        row = queue_email(
            session,
            app,
            key=key,
            event=EVENT,
            to=[app.config.people.business_manager.email],
            context=context,
            now=now,
            images=images,
        )
        session.commit()
        return row is not None


def send_scheduled_reports(app: App) -> None:
    """The daemon's digest job: today's digest, then the monthly report when it is due. One
    failing does not stop the other; the first failure is raised afterwards, for the job's
    health record and the watchdog."""
    failed: list[Exception] = []
    for send in (send_digest_if_due, send_monthly_report_if_due):
        try:
            send(app)
        except Exception as exc:
            failed.append(exc)
    if failed:
        raise failed[0]
