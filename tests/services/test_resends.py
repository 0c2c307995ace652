"""A SIN sent again in another shape (a reference typed by hand, a reply whose client lost the
thread, the same words with a line added) still opens its case, with its clock, invitation and
acknowledgement, but goes on the triage list naming the open case it may repeat."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_CHILD, SIN_INCIDENT, SIN_REFERRER, sin_docx
from tests.fixtures.mail import drop_into_maildir, email
from tests.services.test_lifecycle import BM, Bot, reply
from tests.services.test_outside_bodies import Rows, digest_text, with_rows

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
        "if it is, close this case with Notifiable: no because duplicate of TSCP-2026-0001, "
        "then Close: duplicate of TSCP-2026-0001"
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


# --- Another agency's SIN about the same child (bot.services.repeats.same_child) ------------

HOSPITAL = "sam.placeholder@nhs.net"
HOSPITAL_REFERRER = (
    ("Name", "Sam Placeholder"),
    ("Role", "Named nurse for safeguarding"),
    ("Agency", "Tameside and Glossop Integrated Care NHS Foundation Trust"),
    ("Email", HOSPITAL),
)
INCIDENT: Rows = tuple(SIN_INCIDENT)
OPENED = "possibly the same notification as TSCP-2026-0001, opened Wed 23 Dec 2026"
CLOSE = (
    "if it is, close this case with Notifiable: no because duplicate of TSCP-2026-0001, "
    "then Close: duplicate of TSCP-2026-0001"
)


def _form(
    bot: Bot, n: int, sender: str, child: Rows = tuple(SIN_CHILD), incident: Rows = INCIDENT
) -> None:
    """A SIN with its form attached, as each agency sends its own: its own covering words, its
    own referrer on the form."""
    police = sender == POLICE
    raw = email(
        "GM SIN form attached" if police else "Serious incident notification - ED attendance",
        "Please find the notification form attached."
        if police
        else "Please see the attached notification from the emergency department.",
        sender=sender,
        message_id=f"<form-{n}@test>",
        attachment=(
            "SIN form.docx",
            sin_docx(
                child=child,
                incident=incident,
                referrer=tuple(SIN_REFERRER) if police else HOSPITAL_REFERRER,
            ),
        ),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)


def _police_then_hospital(
    make_app: AppFactory, tmp_path: Path, child: Rows, incident: Rows = INCIDENT
) -> Bot:
    """The police's SIN on Wednesday morning; the hospital's, about `child`, that afternoon."""
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    _form(bot, 1, POLICE)
    bot.run()
    bot.at("2026-12-23T15:00")
    _form(bot, 2, HOSPITAL, child, incident)
    bot.run()
    return bot


@pytest.mark.parametrize(
    ("child", "incident", "shared"),
    [
        # The hospital writes the name surname first: the same initials, the same incident.
        (
            with_rows(tuple(SIN_CHILD), Name="INVENTED, Quinn Zed"),
            INCIDENT,
            "the same child's date of birth, initials (Q.Z.I.) and incident date",
        ),
        # Without the middle name: other initials, but the same incident.
        (
            with_rows(tuple(SIN_CHILD), Name="Quinn Invented"),
            INCIDENT,
            "the same child's date of birth and incident date (initials Q.I. and Q.Z.I.)",
        ),
        # No name on the form ("unknown" at the emergency department): the same incident.
        (
            with_rows(tuple(SIN_CHILD), Name=""),
            INCIDENT,
            "the same child's date of birth and incident date (initials not read on both)",
        ),
        # The hospital dates it by her attendance the next day: the same initials.
        (
            tuple(SIN_CHILD),
            with_rows(INCIDENT, **{"Date of incident": "19/12/2026"}),
            "the same child's date of birth and initials (Q.Z.I.)",
        ),
    ],
)
def test_the_police_and_the_hospital_notifying_the_same_child_flags_the_second_case(
    make_app: AppFactory, tmp_path: Path, child: Rows, incident: Rows, shared: str
) -> None:
    bot = _police_then_hospital(make_app, tmp_path, child, incident)
    reasons = _reasons(bot.app)
    assert reasons["form-1@test"] is None
    expected = f"{OPENED} ({shared}): {CLOSE}"
    assert reasons["form-2@test"] == expected
    second = bot.case("TSCP-2026-0002")
    assert [e.detail for e in second.events if e.what == "possible_repeat"] == [expected]
    assert not [e for e in bot.case().events if e.what == "possible_repeat"]
    # A flag only, as for the same referrer's resend: each case keeps its clock, its
    # acknowledgement and its Screening Panel invitation; the Business Manager closes one.
    assert {c.ref for c in (bot.case(), second)} == {"TSCP-2026-0001", "TSCP-2026-0002"}
    assert len(bot.outbox("sin_acknowledgement")) == 2
    assert len(bot.outbox("screening_invitation")) == 2
    # The date of birth is compared, never written: 03/04/2020, however it might be written.
    assert "2020" not in expected and "Apr" not in expected


def test_the_flag_is_on_the_triage_list_and_in_the_digest_as_a_resend_s_is(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = _police_then_hospital(
        make_app, tmp_path, with_rows(tuple(SIN_CHILD), Name="Quinn Invented")
    )
    with bot.app.sessions() as s:
        flagged = s.scalars(select(StoredMessage).where(StoredMessage.needs_triage)).one()
        assert flagged.message_id == "form-2@test"
    text = digest_text(bot, "2026-12-24T08:05")
    triage = " ".join(text.split("MESSAGES TO TRIAGE", 1)[1].split())
    assert f"#{flagged.id} " in triage and f"from {HOSPITAL}" in triage
    assert (
        f"Reason: {OPENED} (the same child's date of birth and incident date (initials Q.I. "
        f"and Q.Z.I.)): {CLOSE}"
    ) in triage
    assert "03/04/2020" not in text and "3 Apr 2020" not in text


def test_twins_with_one_date_of_birth_notified_for_two_incidents_are_not_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The date of birth alone is not the child: twins share it. Other initials and another
    incident are another notification, whichever agencies send them."""
    twin = with_rows(tuple(SIN_CHILD), Name="Avery Invented")
    other = with_rows(INCIDENT, **{"Date of incident": "20/12/2026"})
    bot = _police_then_hospital(make_app, tmp_path, twin, other)
    assert _reasons(bot.app)["form-2@test"] is None
    assert not [e for e in bot.case("TSCP-2026-0002").events if e.what == "possible_repeat"]


def test_twins_hurt_in_one_incident_each_agency_s_form_is_matched_to_its_own_twin(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Both twins' forms from the police (one referrer, two names: two children, not flagged),
    then both from the hospital: each is matched by its initials, before the other twin's
    case that shares only the incident."""
    twin = with_rows(tuple(SIN_CHILD), Name="Avery Invented")
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    for n, (when, sender, child) in enumerate(
        [
            ("2026-12-23T09:00", POLICE, tuple(SIN_CHILD)),
            ("2026-12-23T09:30", POLICE, twin),
            ("2026-12-23T15:00", HOSPITAL, with_rows(tuple(SIN_CHILD), Name="INVENTED, Quinn Zed")),
            ("2026-12-23T15:30", HOSPITAL, with_rows(twin, Name="INVENTED, Avery")),
        ],
        start=1,
    ):
        bot.at(when)
        _form(bot, n, sender, child)
        bot.run()
    reasons = _reasons(bot.app)
    assert reasons["form-1@test"] is None and reasons["form-2@test"] is None
    both = "the same child's date of birth, initials ({}) and incident date"
    assert reasons["form-3@test"] == f"{OPENED} ({both.format('Q.Z.I.')}): {CLOSE}"
    assert reasons["form-4@test"] == (
        "possibly the same notification as TSCP-2026-0002, opened Wed 23 Dec 2026 "
        f"({both.format('A.I.')}): if it is, close this case with Notifiable: no because "
        "duplicate of TSCP-2026-0002, then Close: duplicate of TSCP-2026-0002"
    )


# Two children on the police's form: the one the hospital writes about is its second.
SIBLINGS: Rows = (
    *SIN_CHILD,
    ("Name", "Riley Invented"),
    ("Date of birth", "02/01/2018"),
    ("Sex", "Male"),
)
RILEY: Rows = (("Name", "INVENTED, Riley"), ("Date of birth", "02/01/2018"), ("Sex", "Male"))


@pytest.mark.parametrize(
    ("first", "second"),
    [((POLICE, SIBLINGS), (HOSPITAL, RILEY)), ((HOSPITAL, RILEY), (POLICE, SIBLINGS))],
    ids=["the sibling named second on the first form", "the sibling on the second form"],
)
def test_a_sibling_is_matched_by_its_own_date_of_birth(
    make_app: AppFactory,
    tmp_path: Path,
    first: tuple[str, Rows],
    second: tuple[str, Rows],
) -> None:
    """The police name two children, the hospital one of them: either order is one child."""
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    _form(bot, 1, *first)
    bot.run()
    bot.at("2026-12-23T15:00")
    _form(bot, 2, *second)
    bot.run()
    shared = "the same child's date of birth, initials (R.I.) and incident date"
    assert _reasons(bot.app)["form-2@test"] == f"{OPENED} ({shared}): {CLOSE}"


def test_an_unborn_child_is_matched_by_its_expected_date_of_delivery(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The police and the midwives notify one pregnancy: no date of birth on either form, the
    same expected date of delivery and incident; each writes the name its own way. The
    police's names the mother, whose initials are never told as the child's."""
    unborn: Rows = (
        ("Name", "Unborn baby of Jo Invented"),
        ("Expected date of delivery", "01/02/2027"),
    )
    midwives: Rows = (("Name", "Baby Invented"), ("EDD", "01/02/2027"))
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    _form(bot, 1, POLICE, unborn)
    bot.run()
    bot.at("2026-12-23T15:00")
    _form(bot, 2, HOSPITAL, midwives)
    bot.run()
    shared = (
        "the same child's expected date of delivery and incident date (initials not read on both)"
    )
    assert _reasons(bot.app)["form-2@test"] == f"{OPENED} ({shared}): {CLOSE}"
    # Another pregnancy due that day, another incident: not one child.
    bot.at("2026-12-23T16:00")
    other = with_rows(INCIDENT, **{"Date of incident": "20/12/2026"})
    _form(bot, 3, HOSPITAL, (("Name", "Baby Example"), ("EDD", "01/02/2027")), other)
    bot.run()
    assert _reasons(bot.app)["form-3@test"] is None


def test_the_same_child_notified_after_the_first_case_was_closed_is_not_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    _form(bot, 1, POLICE)
    bot.run()
    bot.at("2026-12-23T11:00").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Notifiable: no because not a serious incident\nClose: sent to us in error",
    )
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2026-12-23T15:00")
    _form(bot, 2, HOSPITAL, with_rows(tuple(SIN_CHILD), Name="INVENTED, Quinn Zed"))
    bot.run()
    assert _reasons(bot.app)["form-2@test"] is None


@pytest.mark.parametrize(
    ("police", "hospital"),
    [
        # The hospital's form gives no date of birth, or one that cannot be read...
        (tuple(SIN_CHILD), with_rows(tuple(SIN_CHILD), **{"Date of birth": ""})),
        (tuple(SIN_CHILD), with_rows(tuple(SIN_CHILD), **{"Date of birth": "not known"})),
        # ...or the first case's form gave none to compare with...
        (with_rows(tuple(SIN_CHILD), **{"Date of birth": ""}), tuple(SIN_CHILD)),
        # ...or neither did: two gaps are not one child.
        (
            with_rows(tuple(SIN_CHILD), **{"Date of birth": "not known"}),
            with_rows(tuple(SIN_CHILD), **{"Date of birth": "not known"}),
        ),
    ],
)
def test_a_form_with_no_date_of_birth_read_gives_no_signal(
    make_app: AppFactory, tmp_path: Path, police: Rows, hospital: Rows
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    _form(bot, 1, POLICE, police)
    bot.run()
    bot.at("2026-12-23T15:00")
    _form(bot, 2, HOSPITAL, hospital)  # the same initials and incident date
    bot.run()
    assert _reasons(bot.app)["form-2@test"] is None
