"""Plain-English names for what the digest shows: agencies by name, emails by what they are,
form fields by their label. The Business Manager reads the digest on a phone between meetings;
`gmp`, `panel_delay_notice` or `referrer_name` make her stop and translate."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.app import App
from bot.services.digest_types import ActionDue, ReturnDue

# What each email the bot sends is, in the words of the procedure, wherever one is named to a
# person (the digest's drafts, a notice naming the email it is about): never a bare key.
EMAIL_NAMES = {
    "appendix_b_request": "Appendix B information request",
    "appendix_b_receipt": "Receipt for an Appendix B return",
    "complaint_acknowledgement": "Complaint acknowledgement",
    "escalation_acknowledgement": "Professional difference acknowledgement",
    "panel_delay_notice": "Rapid Review delay notice to the National Panel",
    "publication_delay_notice": "Publication delay notice",
    "publication_notice": "Notice of publication",
    "rapid_review_delay_check": "Rapid Review delay check",
    "referrer_outcome": "Outcome to the referrer",
    "reviewer_notice": "Independent reviewer notice",
    "screening_cancelled": "Screening Panel cancellation",
    "screening_invitation": "Screening Panel invitation",
    "screening_outcome": "Screening Panel decision",
    "cspr_decision": "CSPR decision to the partners and the Scrutineer",
    "sin_acknowledgement": "Acknowledgement of a serious incident notification",
    "junk_mail": "Mail in Junk Email",
    "untrue_when_sent": "Email not sent as written",
    "not_delivered_notice": "Notice of an email not delivered",
    "unconfirmed_send_notice": "Notice of an email that may have been sent",
}
_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def email_name(event: str) -> str:
    return EMAIL_NAMES.get(event) or event.replace("_", " ").capitalize()


def agency(app: App, key: str | None) -> str:
    """The configured agency's name; an owner that is not an agency ("schools") in words."""
    if not key:
        return ""
    found = app.config.agency(key)
    return found.name if found else key.replace("_", " ")


def returns_named(app: App, rows: list[ReturnDue]) -> list[ReturnDue]:
    """The returns with each agency's name for its key."""
    return [{**r, "agency": agency(app, r["agency"] or None)} for r in rows]


def actions_named(app: App, rows: list[ActionDue]) -> list[ActionDue]:
    """The actions with each owner's name for its key."""
    return [{**r, "owner": agency(app, r["owner"] or None)} for r in rows]


def field_labels(app: App) -> dict[str, str]:
    """Each form field's first label ("name of referrer" for `referrer_name`)."""
    return {
        f.name: f.labels[0]
        for form in app.vocabulary.forms.values()
        for f in (*form.fields, *form.child_fields)
        if f.labels
    }


def plain(text: str, labels: Mapping[str, str]) -> str:
    """Form field keys in a sentence replaced by their labels; other words left alone."""
    return _KEY.sub(lambda m: labels.get(m.group(0), m.group(0)), text)
