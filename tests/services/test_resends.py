"""A SIN sent again in another shape (a reference typed by hand, a reply whose client lost the
thread, the same words with a line added) still opens its case, with its clock, invitation and
acknowledgement, but goes on the triage list naming the open case it may repeat."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, email

POLICE = "robin.example@gmp.police.uk"
FIRST_SUBJECT = "Serious Incident Notification - GM SIN form attached"
FIRST_BODY = (
    "Dear TSCP Business Manager,\n\n"
    "Please find below a Serious Incident Notification (GM SIN form) for consideration by the\n"
    "Screening Panel. The safeguarding lead has reviewed and approved this notification.\n\n"
    "Date the local authority became aware: 22/12/2026\n"
    "Criteria: child seriously harmed; abuse or neglect suspected.\n\n"
    "Regards,\nDS Robin Example\nPublic Protection Unit\n"
)


def _first(app: AppFactory, tmp_path: Path):  # type: ignore[no-untyped-def]
    app_, clock = app(now="2026-12-23T09:00")
    first = email(FIRST_SUBJECT, FIRST_BODY, sender=POLICE, message_id="<sin-first@test>")
    drop_into_maildir(tmp_path / "inbox", first)
    run_once(app_)
    clock.set("2026-12-24T09:00")
    return app_


def _send(tmp_path: Path, n: int, subject: str, body: str, sender: str = POLICE) -> None:
    raw = email(
        subject, body, sender=sender, message_id=f"<again-{n}@test>", date="2026-12-24T08:40"
    )
    drop_into_maildir(tmp_path / "inbox", raw)


def _reasons(app) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return {r.message_id: r.triage_reason for r in s.scalars(select(StoredMessage))}


def _repeats(reason: str | None, shared: str) -> bool:
    return (reason or "").startswith(
        f"possibly the same notification as TSCP-2026-0001, opened Wed 23 Dec 2026 ({shared}): "
        "if it is, close this case with Close: duplicate of TSCP-2026-0001"
    )


def test_a_sin_naming_an_open_case_however_typed_is_flagged_and_still_opens_its_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = _first(make_app, tmp_path)
    _send(tmp_path, 1, "RE: SIN form TSCP-2026-001 - further information", "The father is held.")
    _send(tmp_path, 2, "Re: SIN - tscp 2026 0001", "Update for tscp 2026 0001: he is held.")
    # From someone else, the reference in the words: the reference decides, not the sender.
    body = "Further to TSCP/2026/0001: the health visitor's account."
    _send(tmp_path, 3, "GM SIN form - health", body, sender="alex.nurse@nhs.net")
    run_once(app)
    reasons = _reasons(app)
    names = "its subject or text names TSCP-2026-0001"
    for n in (1, 2, 3):
        assert _repeats(reasons[f"again-{n}@test"], names), reasons[f"again-{n}@test"]
    with app.sessions() as s:
        assert len(list(s.scalars(select(Case)))) == 4  # never merged, never held
        acks = s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
        invites = select(OutboxMessage).where(OutboxMessage.event == "screening_invitation")
        assert len(list(acks)) == 4 and len(list(s.scalars(invites))) == 4


def test_a_reply_to_the_first_sin_whose_thread_was_lost_is_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Outlook's 'AW: RE: [EXTERNAL] FW:' on the referrer's own first email, no In-Reply-To."""
    app = _first(make_app, tmp_path)
    body = (
        "Further to my notification yesterday: the child is now in foster care.\n\n"
        f"-----Original Message-----\nSubject: {FIRST_SUBJECT}\n\nDear TSCP Business Manager,\n"
    )
    _send(tmp_path, 1, f"AW: RE: [EXTERNAL] FW: {FIRST_SUBJECT}", body)
    run_once(app)
    shared = f"the same referrer, replying to or forwarding its email ('{FIRST_SUBJECT}')"
    assert _repeats(_reasons(app)["again-1@test"], shared)


def test_the_same_sin_resent_with_a_line_added_is_flagged_but_another_in_new_words_is_not(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = _first(make_app, tmp_path)
    resent = FIRST_BODY.replace(
        "Business Manager,\n", "Business Manager,\n\nResending in case this did not reach you.\n"
    )
    _send(tmp_path, 1, FIRST_SUBJECT, resent)
    other = (
        "Dear TSCP,\n\nA second, unrelated notification: a baby was brought to hospital with\n"
        "unexplained fractures on 23/12/2026, and the family is known to children's services.\n"
        "The local authority became aware on 23/12/2026. Criteria: serious harm; abuse\n"
        "suspected. The safeguarding lead has approved this.\n\nDS Robin Example\n"
    )
    _send(tmp_path, 2, "Serious Incident Notification - new incident", other)
    run_once(app)
    reasons = _reasons(app)
    assert _repeats(reasons["again-1@test"], "the same referrer and nearly the same words")
    assert reasons["again-2@test"] is None
