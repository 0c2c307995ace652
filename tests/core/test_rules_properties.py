"""Properties of classifying with the shipped rules (bot/defaults/rules): mail that says it is
automatic, or is the bot's own coming back, is never taken for a person's SIN, return,
complaint or reply, whatever its subject and words; it is filed unanswered or put to a person.
Loops between the bot and another robot start there. And what people write is read however
they put it: a member of the public complaining, a partner challenging a decision or asking
for it to be reconsidered, an agency titling its notification."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.rules_loader import load_rules
from bot.config.paths import packaged
from bot.core.autoreply import OWN_MAIL_HEADER
from bot.core.message import AttachmentInfo
from bot.core.rules import ClassifyContext, Kind, classify
from tests.core.test_rules import _msg

RULES = load_rules(packaged("rules"))
CTX = ClassifyContext(
    reference_prefix="TSCP",
    own_addresses=frozenset({"tscp@tameside.gov.uk"}),
    agency_domains=frozenset({"gmp.police.uk", "nhs.net", "tameside.gov.uk"}),
)
NOT_ANSWERED = {Kind.AUTO_REPLY, Kind.UNCLASSIFIED}

subjects = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "GM SIN form", "Serious Incident Notification", "Automatic reply: GM SIN form",
            "Out of Office: Appendix B return", "Complaint about the review",
            "RE: [TSCP-2026-0001] Serious incident notification received",
            "Escalation: Stage 2", "Undeliverable: [TSCP-2026-0001] Screening Panel",
            "Accepted: Screening Panel", "Appendix B - police", "",
        ]
    ),
)  # fmt: skip
bodies = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "I am out of the office until Monday.", "Please find attached the SIN form.",
            "Vote: rapid review", "I wish to make a complaint.", "Notified: 22/12/2026",
            "Child seriously harmed, abuse or neglect suspected.",
        ]
    ),
)  # fmt: skip
# Headers by which a mail system says a message is automatic.
# (Header names as the parser gives them: lower case.)
AUTOMATIC = [
    {"auto-submitted": "auto-replied"},
    {"auto-submitted": "auto-generated"},
    {"auto-submitted": "auto-replied (vacation)"},
    {"x-autoreply": "yes"},
    {"precedence": "auto_reply"},
    {"x-autorespond": "out of office"},
]
senders = st.sampled_from(
    ["casey.invented@gmp.police.uk", "alex.placeholder@nhs.net", "member@example.org"]
)
attachments = st.lists(
    st.sampled_from(
        [
            AttachmentInfo("GM SIN form.docx", "application/octet-stream", 20_000),
            AttachmentInfo("Appendix B.docx", "application/octet-stream", 20_000),
            AttachmentInfo("invite.ics", "text/calendar", 900),
        ]
    ),
    max_size=2,
).map(tuple)


@given(subjects, bodies, senders, st.sampled_from(AUTOMATIC), attachments)
def test_mail_labelled_automatic_is_never_answered(
    subject: str, text: str, sender: str, headers: dict[str, str], files: tuple[AttachmentInfo, ...]
) -> None:
    result = classify(_msg(subject, text, sender, headers, files), RULES, CTX)
    assert result.kind in NOT_ANSWERED, result


@given(subjects, bodies, attachments)
def test_the_bots_own_mail_coming_back_is_never_answered(
    subject: str, text: str, files: tuple[AttachmentInfo, ...]
) -> None:
    """A copy of an email the bot sent (a BCC to itself, a forward of it): its header says so.
    Mail a person sends From the shared mailbox is read like any other."""
    headers = {OWN_MAIL_HEADER.lower(): "1"}
    result = classify(_msg(subject, text, "tscp@tameside.gov.uk", headers, files), RULES, CTX)
    assert result.kind in NOT_ANSWERED, result


# A member of the public saying, in the first person, that they complain: every way of it the
# complaint rules read, and a sentence round it.
_OPENING = ("I'd like to", "I would like to", "I wish to", "I want to", "I am writing to",
            "I'm writing to", "I\u2019d like to", "We would like to", "We wish to",
            "We are writing to", "We\u2019d like to", "We want to")  # fmt: skip
_COMPLAINING = ("complain", "formally complain", "make a complaint", "make a formal complaint",
                "raise a complaint", "lodge a formal complaint", "submit a complaint",
                "register a complaint", "put in a complaint", "make an official complaint",
                "file a complaint", "file a formal complaint")  # fmt: skip
_STATING = ("I am making a formal complaint", "I'm complaining", "I am lodging a complaint",
            "Please accept this email as a formal complaint", "This letter is a complaint",
            "Please treat this as my complaint", "We are making a formal complaint",
            "We're complaining", "Please log this as a complaint",
            "Please accept this as our formal complaint",
            "I would like this to be treated as a formal complaint",
            "We'd like this email logged as an official complaint")  # fmt: skip
complaining = st.one_of(
    st.tuples(st.sampled_from(_OPENING), st.sampled_from(_COMPLAINING)).map(" ".join),
    st.sampled_from(_STATING),
)
_AROUND = ("Dear Sir or Madam,\n\n{} about how the review of my son's death was handled.\n\n"
           "Pat Public")  # fmt: skip
_PUBLIC = "pat.public@example.org"


@given(complaining, st.sampled_from(["lower", "as written"]))
def test_a_member_of_the_public_complaining_opens_a_complaint_however_they_put_it(
    words: str, case: str
) -> None:
    """With no reference (41-complaint-body), forwarded by a colleague (43-complaint-forwarded)
    or on a case's thread (42-complaint-on-case): a complaint, its record and its 20 working
    days, never an email left for someone to notice is one."""
    text = _AROUND.format(words.lower() if case == "lower" else words)
    fresh = classify(_msg("The review", text, _PUBLIC), RULES, CTX)
    on_case = classify(_msg("RE: [TSCP-2026-0001] The review", text, _PUBLIC), RULES, CTX)
    forward = f"From: Pat Public <{_PUBLIC}>\nSent: 14 December 2026 09:00\n\n{text}"
    passed_on = classify(_msg("FW: The review", forward, "clerk@tameside.gov.uk"), RULES, CTX)
    assert (fresh.kind, on_case.kind, passed_on.kind) == (Kind.COMPLAINT,) * 3, text


_WE = {"I am": "We are", "I'm": "We're", "I'd": "We'd", "I\u2019d": "We\u2019d", "I ": "We "}


@given(complaining, st.booleans())
def test_an_agency_complaining_about_a_decision_is_an_escalation(words: str, we: bool) -> None:
    """The same words from an agency (its head or its team), about the panel's decision: a
    challenge for the escalation process and the Independent Scrutineer
    (33-escalation-agency-complaint)."""
    for mine, ours in _WE.items() if we else ():
        words = words.replace(mine, ours)
    text = f"{words} about the Screening Panel's decision not to hold a Rapid Review."
    result = classify(_msg("Panel outcome", text, "head@oak.tameside.gov.uk"), RULES, CTX)
    assert result.kind == Kind.ESCALATION, text


# A partner challenging a decision, in its own voice or its agency's.
_CHALLENGING = ("We disagree with", "Health disagrees with", "We do not agree with",
                "Health does not agree with", "We don't agree with", "Health doesn't agree with",
                "We cannot agree with", "We challenge", "Health challenges", "I dispute",
                "Health disputes", "We contest", "We are escalating", "I am formally escalating",
                "Children's social care is escalating", "We are appealing against",
                "The police have escalated", "Health has escalated", "We do not accept",
                "GMP does not accept", "We cannot accept", "We can't accept",
                "We are not in agreement with", "Health is not in agreement with",
                "Please treat this as an escalation of")  # fmt: skip
# Or asking for it to be thought again; {decided} is one of _DECIDED.
_RECONSIDER = ("We ask the panel to reconsider {decided}",
               "I would ask that you reconsider {decided}",
               "We request that the Screening Panel reconsider {decided}",
               "Health would urge the partnership to reconsider {decided}",
               "Please reconsider {decided}", "We ask for a reconsideration of {decided}",
               "We believe {decided} should be reconsidered")  # fmt: skip
_DECIDED = ("the panel's decision not to hold a Rapid Review", "the screening decision",
            "the outcome of the Screening Panel", "this decision")  # fmt: skip


@given(
    st.one_of(
        st.sampled_from(_CHALLENGING).map(lambda words: words + " {decided}"),
        st.sampled_from(_RECONSIDER),
    ),
    st.sampled_from(_DECIDED),
    st.sampled_from(["RE: [TSCP-2026-0001] Screening Panel outcome", "Screening Panel outcome"]),
)
def test_a_partner_challenging_a_decision_opens_an_escalation(
    challenging: str, decided: str, subject: str
) -> None:
    """Disagreeing, or asking for the decision to be reconsidered, on the case's thread
    (32-escalation-on-case) or not (31-escalation-body): the Business Manager and the
    Independent Scrutineer are told, not left to find it among replies."""
    text = f"Dear colleagues,\n\n{challenging.format(decided=decided)}.\n\nDana Whitlow\nPolice DSP"
    result = classify(_msg(subject, text, "dana.whitlow@gmp.police.uk"), RULES, CTX)
    assert result.kind == Kind.ESCALATION, text


# How agencies title a notification: the form's names over the years, in their own order.
_NOTIFYING = ("Serious Incident Notification", "Notification of serious incident",
              "Notification of a Serious Child Safeguarding Incident",
              "Serious child safeguarding incident notification", "Serious incident - notification",
              "Serious Incident: notification form", "Serious Incident Notification Form",
              "SIN", "GM SIN form", "Rapid Review Screening & Notification Form",
              "Notification of serious child safeguarding incident",
              "Serious Child Safeguarding Case Notification",
              "Notification of Serious Child Safeguarding Case",
              "Serious Child Safeguarding Incident", "Serious child safeguarding case")  # fmt: skip
_BEFORE = ("", "URGENT: ", "OFFICIAL-SENSITIVE: ", "New ", "[SECURE] ", "FW: ")
_AFTER = ("", " - GMP ref 26/12345", " for Tameside", " (Tameside)", " - TGICFT")


@given(st.sampled_from(_NOTIFYING), st.sampled_from(_BEFORE), st.sampled_from(_AFTER))
def test_an_agency_notifying_a_serious_incident_in_the_subject_opens_a_case(
    notifying: str, before: str, after: str
) -> None:
    """Whatever the form came as (a scan, a broken file, nothing attached), the subject alone
    starts the Screening Panel's clock from the day it arrived (10-sin-form-subject); a
    notification filed among other mail would start it late."""
    subject = before + notifying + after
    text = "Please see the attached notification.\n\nDana Whitlow\nPolice DSP"
    result = classify(_msg(subject, text, "dana.whitlow@gmp.police.uk"), RULES, CTX)
    assert result.kind == Kind.SIN, subject


@pytest.mark.parametrize(
    "subject",
    [
        "Serious Child Safeguarding Incidents: learning event",
        "Serious child safeguarding incidents - annual report",
        "Child death notification",
    ],
)
def test_the_incidents_in_general_or_a_child_death_alone_open_no_case(subject: str) -> None:
    """Learning from incidents in general is no notification; nor is a child's death alone
    (most go to the Child Death Overview Panel): a person decides, no panel is booked."""
    text = "Please see the attached.\n\nDana Whitlow\nPolice DSP"
    result = classify(_msg(subject, text, "dana.whitlow@gmp.police.uk"), RULES, CTX)
    assert result.kind != Kind.SIN, subject
