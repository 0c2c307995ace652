"""The digest's plain-English names: agencies by name, emails by what they are, form fields by
their label (bot.services.digest_names)."""

from __future__ import annotations

from bot.services.digest_names import agency, email_name, field_labels, plain
from tests.fixtures.app import AppFactory


def test_keys_become_the_names_people_use(make_app: AppFactory) -> None:
    app, _ = make_app()
    assert agency(app, "gmp") == "Greater Manchester Police"
    assert agency(app, "not_configured") == "not configured"  # still words, never dropped
    assert email_name("referrer_outcome") == "Outcome to the referrer"
    assert email_name("some_new_email") == "Some new email"
    # Her own notices are named in words too, never by their key.
    assert email_name("not_delivered_notice") == "Notice of an email not delivered"
    assert email_name("unconfirmed_send_notice") == "Notice of an email that may have been sent"
    labels = field_labels(app)
    assert plain("missing: referrer_name, abuse_or_neglect", labels) == (
        "missing: name of referrer, abuse or neglect known or suspected"
    )
    # Words that are not field keys are left as they are.
    assert plain("the form could not be read (SIN_form.docx)", labels) == (
        "the form could not be read (SIN_form.docx)"
    )
