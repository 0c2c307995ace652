"""The ews backend (on-premises Exchange Server, exchangelib) against a local EWS endpoint
(tests/fixtures/ews.py): SyncFolderItems state kept and reused, a refused sync state read again
losing and doubling nothing, moves whose ids change, a lost move found after a crash, sending
the bot's own MIME with CreateItem, and a refused login as one clear line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, MailboxState, StoredMessage
from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_sender import EwsSender
from bot.adapters.ews_source import EwsSource
from bot.adapters.mail_source import Cursor, MailboxError, MessageGone, Moved
from bot.adapters.outgoing import SendError
from bot.adapters.sent_folder import SentFolder
from bot.bootstrap import make_sent_lookup
from bot.config import ConfigError, load_config
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory, make_config
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME, EwsTestServer, write_ews_config
from tests.fixtures.mail import email, sin
from tests.fixtures.set_aside import ATTENTION, FOUND, stopped_then_restarted, triage_done


def _connection(ews: EwsTestServer, password: str = PASSWORD) -> EwsConnection:
    return EwsConnection(EwsLogin(ews.endpoint, MAILBOX, USERNAME, password, "basic"))


@pytest.fixture
def source(ews: EwsTestServer) -> Iterator[EwsSource]:
    src = EwsSource(_connection(ews), attention_folder="Needs attention")
    yield src
    src.close()


def _notes(n: int) -> list[bytes]:
    return [
        email(f"Note {i}", f"Body {i}.", message_id=f"<note-{i}@gmp.police.uk>") for i in range(n)
    ]


def _unreachable(key: str) -> None:
    raise MailboxError("EWS moving a message failed: connection failed")


def test_sync_pages_to_the_end_and_reads_each_message_mime_with_its_arrival_time(
    ews: EwsTestServer,
) -> None:
    source = EwsSource(_connection(ews), page_size=10)
    raws = _notes(25)
    for raw in raws:
        ews.deliver(raw, received=datetime(2026, 12, 23, 8, 15, tzinfo=UTC))

    batch = source.fetch(None)

    assert sorted(m.raw for m in batch.messages) == sorted(raws)  # every byte, nothing missed
    assert ews.state.operations.count("SyncFolderItems") == 3  # 10 + 10 + 5
    first = ews.in_folder("Inbox")[0]
    mail = next(m for m in batch.messages if m.raw == first.raw)
    assert mail.key == f"{first.id} {first.internet_message_id}"
    assert mail.arrived_at == datetime(2026, 12, 23, 8, 15, tzinfo=UTC)
    assert batch.cursor is not None and batch.cursor.sync_state.startswith(
        "ews:tscp@tameside.gov.uk/inbox "
    )
    assert source.fetch(batch.cursor).messages == []  # the last page's state: nothing new
    source.close()


def test_mail_before_the_cut_off_is_counted_not_read(ews: EwsTestServer, source: EwsSource) -> None:
    ews.deliver(_notes(1)[0], received=datetime(2026, 11, 2, 9, tzinfo=UTC))
    ews.deliver(sin(), received=datetime(2026, 12, 23, 8, tzinfo=UTC))

    batch = source.fetch(None, datetime(2026, 12, 1, tzinfo=UTC))

    assert [m.raw for m in batch.messages] == [sin()]
    assert batch.left.count == 1
    assert ews.state.operations.count("GetItem") == 1


def test_the_sync_state_is_kept_in_the_database_and_reused(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    ews.deliver(sin())

    first = ingest_pass(app, source, full_sweep=False)
    ews.deliver(sin("<sin-2@gmp.police.uk>"))
    second = ingest_pass(app, source, full_sweep=False)

    assert (first.fetched, second.fetched) == (1, 1)  # the second pass asked only what changed
    with app.sessions() as session:
        state = session.get(MailboxState, app.mailbox_name)
        assert state is not None and state.sync_state
        kept = state.sync_state.partition(" ")[2]
    assert kept in ews.state.sync_states  # the last SyncState Exchange gave, as it gave it
    # Two of the Inbox, and the first pass's look at Junk Email (the next waits 5 minutes).
    assert ews.state.operations.count("SyncFolderItems") == 3


# Another officer: the same SIN sent again by the same one would be flagged as a repeat.
OTHER_OFFICER = "lee.invented@gmp.police.uk"


def test_a_refused_sync_state_reads_everything_again_losing_and_doubling_nothing(
    ews: EwsTestServer, make_app: AppFactory
) -> None:
    app, _ = make_app()
    # No needs-attention folder: mail for a person stays in the Inbox, read again on a resync.
    source = EwsSource(_connection(ews))
    for raw in (sin(), *_notes(2)):
        ews.deliver(raw)
    # The first pass stores all three but cannot move the SIN (the mailbox went away).
    real_move = source.mark_processed
    source.mark_processed = _unreachable  # type: ignore[method-assign]
    first = ingest_pass(app, source, full_sweep=False)
    source.mark_processed = real_move  # type: ignore[method-assign]
    ews.deliver(sin("<sin-2@gmp.police.uk>", sender=OTHER_OFFICER))
    ews.forget_sync_states()  # ErrorInvalidSyncStateData for the one kept

    report = ingest_pass(app, source, full_sweep=False)

    assert first.waiting_for_a_person == 2 and first.released == 0
    assert report.errors == []
    assert report.fetched == 4  # the whole Inbox again: three seen before, one new
    assert (report.stored, report.duplicates) == (1, 0)
    with app.sessions() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert len(rows) == 4 and len({r.sha256 for r in rows}) == 4
        assert all(r.duplicate_deliveries == 0 for r in rows)
        assert session.scalar(select(func.count()).select_from(Case)) == 2  # one per SIN
    assert sorted(m.raw for m in ews.in_folder("Processed")) == sorted(
        [sin(), sin("<sin-2@gmp.police.uk>", sender=OTHER_OFFICER)]
    )
    assert len(ews.in_folder("Inbox")) == 2  # the two kept for the Business Manager
    source.close()


def test_a_move_whose_answer_was_lost_is_found_in_processed_next_time(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    ews.deliver(sin())
    ews.state.lose_move_answers = 1  # Exchange moves it (new id); the answer never arrives

    first = ingest_pass(app, source, full_sweep=False)
    second = ingest_pass(app, source, full_sweep=False)

    assert first.released == 0 and second.released == 1 and second.errors == []
    assert [m.raw for m in ews.in_folder("Processed")] == [sin()]  # once, not twice
    assert ews.in_folder("Inbox") == []
    with app.sessions() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert len(rows) == 1 and rows[0].released_at is not None


def test_moving_twice_is_harmless_and_a_vanished_message_is_gone(
    ews: EwsTestServer, source: EwsSource
) -> None:
    ews.deliver(sin())
    (mail,) = source.fetch(None).messages

    source.mark_processed(mail.key)  # creates Processed beside the Inbox
    source.mark_processed(mail.key)  # the old id is not found; found in Processed by Message-ID

    (moved,) = ews.in_folder("Processed")
    assert moved.raw == sin() and moved.id != mail.key.split()[0]  # Exchange gave it a new id
    assert [f.name for f in ews.state.folders.values()].count("Processed") == 1
    assert ews.state.operations.count("CreateFolder") == 1
    gone = f"{mail.key.split()[0]} <never-seen@example.org>"
    with pytest.raises(MessageGone):
        source.mark_processed(gone)


def test_a_batch_of_moves_reports_each_and_stops_at_the_first_failure(
    ews: EwsTestServer, source: EwsSource
) -> None:
    for raw in (sin(), *_notes(2)):
        ews.deliver(raw)
    keys = [m.key for m in source.fetch(None).messages]

    moves = source.mark_processed_many(keys, budget_seconds=60)

    assert moves.error is None and set(moves.done.values()) == {Moved.MOVED}
    assert len(ews.in_folder("Processed")) == 3
    ews.state.mailbox_down = True
    down = source.mark_processed_many(["AAMkAgone <gone@example.org>"], budget_seconds=60)
    assert down.done == {} and down.error and "cannot reach the server" in down.error
    ews.state.mailbox_down = False
    # A key kept from the IMAP backend before the switch to EWS is not an EWS id: gone.
    assert source.mark_processed_many(["1712:42"], budget_seconds=60).done == {
        "1712:42": Moved.GONE
    }
    assert source.mark_processed_many(["AAMkAgone <gone@example.org>"], budget_seconds=60).done == {
        "AAMkAgone <gone@example.org>": Moved.GONE
    }


def test_set_aside_moves_to_needs_attention_and_release_moves_on_to_processed(
    ews: EwsTestServer, source: EwsSource
) -> None:
    ews.deliver(sin())
    (mail,) = source.fetch(None).messages

    aside = source.set_aside(mail.key)

    assert aside is not None and aside != mail.key
    assert [m.raw for m in ews.in_folder("Needs attention")] == [sin()]
    assert source.set_aside(mail.key) == aside  # again after a crash: found there, same key
    source.mark_processed(aside)
    assert ews.in_folder("Needs attention") == []
    assert [m.raw for m in ews.in_folder("Processed")] == [sin()]


def test_a_wrong_password_is_one_clear_line(ews: EwsTestServer) -> None:
    source = EwsSource(_connection(ews, password="not-the-password"))

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    assert str(raised.value) == (f"EWS {ews.endpoint}: login refused for {USERNAME} (BASIC)")
    assert "not-the-password" not in str(raised.value)
    sender = EwsSender(_connection(ews, password="not-the-password"))
    with pytest.raises(SendError, match="login refused"):
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])
    assert ews.state.sent == []


def _ack() -> bytes:
    return email(
        "Re: Serious Incident Notification [TSCP-2026-0001]",
        "We have your notification.",
        sender=MAILBOX,
        to="casey.invented@gmp.police.uk",
        message_id="<tscp-ack-1@tameside.gov.uk>",
        headers={"In-Reply-To": "<sin-1@gmp.police.uk>", "References": "<sin-1@gmp.police.uk>"},
    )


def test_send_keeps_the_bots_own_mime_and_message_id(ews: EwsTestServer) -> None:
    sender = EwsSender(_connection(ews))

    sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk", "bm.invented@tameside.gov.uk"])

    (sent,) = ews.state.sent
    assert sent.mime == _ack()  # untouched: Message-ID, In-Reply-To, body; no Bcc header
    assert sent.recipients == ["casey.invented@gmp.police.uk", "bm.invented@tameside.gov.uk"]
    (copy,) = ews.in_folder("Sent Items")
    assert copy.internet_message_id == "<tscp-ack-1@tameside.gov.uk>"
    sender.close()


def test_sent_items_is_where_a_maybe_sent_email_is_looked_for(
    ews: EwsTestServer, tmp_path: Path, database_url: str
) -> None:
    # As the outbox opens it: from the configuration, whose sent_folder is "Sent Items" (the
    # English name of the distinguished folder, which EWS calls "sentitems" in any language).
    path = write_ews_config(tmp_path, database_url, ews)
    lookup = make_sent_lookup(load_config(path, {"TEST_EWS_PASSWORD": PASSWORD}))
    assert lookup is not None
    sender = EwsSender(_connection(ews))
    assert not lookup.was_sent("tscp-ack-1@tameside.gov.uk")

    sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert lookup.was_sent("tscp-ack-1@tameside.gov.uk")
    ews.state.mailbox_down = True
    with pytest.raises(SendError, match="could not look in 'sentitems'"):
        lookup.was_sent("tscp-ack-1@tameside.gov.uk")
    lookup.close()


def test_sending_while_exchange_is_down_is_retried_after_a_look_in_sent_items(
    ews: EwsTestServer,
) -> None:
    ews.state.send_down = True
    sender = EwsSender(_connection(ews))

    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert not raised.value.permanent and raised.value.maybe_sent
    assert str(raised.value).startswith(f"EWS {ews.endpoint}: ")


# ErrorSendAsDenied is every email's (tests/adapters/test_ews_send_trouble.py).
@pytest.mark.parametrize("code", ["ErrorInvalidRecipients", "ErrorMimeContentConversionFailed"])
def test_a_send_exchange_refuses_for_good_fails_for_good(ews: EwsTestServer, code: str) -> None:
    # exchangelib files every refusal under TransportError: read as the connection failing,
    # a bad recipient was "maybe sent" and tried for ever after a look in Sent Items.
    ews.state.send_refusal = code
    sender = EwsSender(_connection(ews))

    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert (raised.value.permanent, raised.value.maybe_sent) == (True, False)
    assert f"Exchange refused to send it: {code}" in str(raised.value)
    assert ews.state.sent == []


def test_a_busy_server_is_tried_again_after_a_look_in_sent_items(ews: EwsTestServer) -> None:
    ews.state.send_refusal = "ErrorServerBusy"
    with pytest.raises(SendError) as raised:
        EwsSender(_connection(ews)).send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])
    assert (raised.value.permanent, raised.value.maybe_sent) == (False, True)


def test_a_refusal_while_reading_names_it_rather_than_the_network(ews: EwsTestServer) -> None:
    from exchangelib.errors import ErrorAccessDenied

    connection = _connection(ews)
    with pytest.raises(MailboxError) as raised, connection.guard("listing the Inbox"):
        raise ErrorAccessDenied("The mailbox is outside the app's scope.")
    assert "Exchange refused listing the Inbox: ErrorAccessDenied" in str(raised.value)
    assert "cannot reach" not in str(raised.value)


def test_config_ews_backend_needs_an_endpoint_and_a_password_variable(
    tmp_path: Path, database_url: str
) -> None:
    where = {"mailbox": MAILBOX, "username": USERNAME, "password_env": "TEST_EWS_PASSWORD"}
    with pytest.raises(ConfigError, match=r"mailbox.ews.endpoint"):
        make_config(tmp_path, database_url, mailbox={"backend": "ews", "ews": where})
    plain = where | {"endpoint": "http://mail.council.internal/EWS/Exchange.asmx"}
    with pytest.raises(ConfigError, match=r"mailbox.ews.endpoint: expected the EWS URL"):
        make_config(
            tmp_path,
            database_url,
            environ={"TEST_EWS_PASSWORD": "x"},
            mailbox={"backend": "ews", "ews": plain},
        )
    for auth, why in (("oauth2", "the token comes from [microsoft]"),
                      ("kerberos", "the Kerberos ticket")):  # fmt: skip
        no_password = where | {"endpoint": "https://mail.council.internal/EWS/Exchange.asmx"}
        with pytest.raises(ConfigError) as raised:
            make_config(
                tmp_path,
                database_url,
                environ={"TEST_EWS_PASSWORD": "x"},
                outgoing={"backend": "ews", "ews": no_password | {"auth": auth}},
            )
        assert str(raised.value) == (
            f'outgoing.ews.password_env: not used with auth = "{auth}" (no password: {why}); '
            "remove it"
        )


def test_config_ews_backend_reads_ntlm_by_default(tmp_path: Path, database_url: str) -> None:
    where = {
        "endpoint": "https://mail.council.internal/EWS/Exchange.asmx",
        "mailbox": MAILBOX,
        "username": USERNAME,
        "password_env": "TEST_EWS_PASSWORD",
    }
    config = make_config(
        tmp_path,
        database_url,
        environ={"TEST_EWS_PASSWORD": "s3cret"},
        mailbox={"backend": "ews", "ews": where},
        outgoing={"backend": "ews", "ews": where},
    )
    assert config.mailbox.ews is not None and config.mailbox.ews.auth == "ntlm"
    assert config.mailbox.ews.password == "s3cret" and "s3cret" not in repr(config.mailbox.ews)
    assert config.outgoing.ews is not None and config.outgoing.ews.mailbox == MAILBOX


def test_cursor_from_another_backend_starts_a_full_sync(
    ews: EwsTestServer, source: EwsSource
) -> None:
    ews.deliver(sin())

    batch = source.fetch(Cursor(sync_state="TSCP%40tameside.gov.uk/inbox https://graph/delta"))

    assert [m.raw for m in batch.messages] == [sin()]


def test_ntlm_the_on_premises_default_reads_and_sends(ews_ntlm: EwsTestServer) -> None:
    login = EwsLogin(ews_ntlm.endpoint, MAILBOX, USERNAME, PASSWORD)  # auth "ntlm" by default
    source = EwsSource(EwsConnection(login))
    ews_ntlm.deliver(sin())

    assert [m.raw for m in source.fetch(None).messages] == [sin()]
    EwsSender(EwsConnection(login)).send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert len(ews_ntlm.state.sent) == 1
    assert ews_ntlm.state.ntlm_logins >= 1  # a real NEGOTIATE, CHALLENGE, AUTHENTICATE
    refused = EwsSource(EwsConnection(EwsLogin(ews_ntlm.endpoint, MAILBOX, USERNAME, "wrong")))
    with pytest.raises(MailboxError) as raised:
        refused.fetch(None)
    assert str(raised.value) == f"EWS {ews_ntlm.endpoint}: login refused for {USERNAME} (NTLM)"
    source.close()


def test_triage_done_finds_mail_set_aside_by_a_bot_stopped_before_its_commit(
    ews: EwsTestServer, make_app: AppFactory
) -> None:
    def open_source() -> EwsSource:
        return EwsSource(_connection(ews), attention_folder=ATTENTION)

    app, _ = make_app()
    app.open_source = open_source
    ews.deliver(email("Lunch on Friday?", "Anyone free?", sender="a.invented@example.org"))
    row_id = stopped_then_restarted(app, open_source(), open_source())

    assert triage_done(app, row_id) == FOUND

    assert ews.in_folder(ATTENTION) == [] and len(ews.in_folder("Processed")) == 1


def test_a_sent_folder_that_is_not_there_is_mail_server_trouble_not_not_sent(
    ews: EwsTestServer,
) -> None:
    # A folder configured by name that the mailbox does not have: that the email is not in
    # it says nothing about whether it went, so the outbox must not send it again.
    lookup = SentFolder(EwsSource(_connection(ews)), "Sent Archive")

    with pytest.raises(SendError) as raised:
        lookup.was_sent("tscp-ack-1@tameside.gov.uk")
    lookup.close()

    assert raised.value.server and not raised.value.maybe_sent
    assert "the Sent folder Sent Archive not found; the server has: " in str(raised.value)
    assert "Inbox" in str(raised.value)
