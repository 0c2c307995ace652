"""Properties of classifying with the shipped rules (bot/defaults/rules): mail that says it is
automatic, or is the bot's own coming back, is never taken for a person's SIN, return,
complaint or reply, whatever its subject and words; it is filed unanswered or put to a person.
Loops between the bot and another robot start there."""

from __future__ import annotations

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
