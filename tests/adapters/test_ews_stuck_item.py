"""An item whose GetItem answer keeps blaming the server (ErrorInternalServerError for that item
alone, pass after pass) is set aside for a person once it has failed on `[ingest]
stuck_message_passes` passes over `stuck_message_minutes`; until then each pass fails and is
tried again, and a whole-server outage never sets anything aside (bot.services.stuck_messages).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_source import EwsSource
from bot.adapters.listing import BATCH_MESSAGES
from bot.app import App
from bot.services.digest_messages import quarantine
from bot.services.ingest import IngestReport
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME, EwsTestServer
from tests.fixtures.mail import email, sin
from tests.fixtures.stuck import (
    blocked_then_set_aside,
    counted,
    mailbox_state,
    passes,
    statuses,
    stored_rows,
)

INTERNAL = "ErrorInternalServerError"


@pytest.fixture
def source(ews: EwsTestServer) -> Iterator[EwsSource]:
    src = _source(ews)
    yield src
    src.close()


def _three(ews: EwsTestServer, code: str = INTERNAL) -> str:
    """Two SINs with an item between them whose GetItem answers `code`; its id."""
    ews.deliver(sin())
    bad = ews.deliver(
        email(
            "Chronology for the panel", "(attached)", sender="dc.invented@nhs.net",
            message_id="<broken-1@nhs.net>",
        )
    )  # fmt: skip
    ews.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    ews.state.item_errors[bad] = code
    return bad


def _source(ews: EwsTestServer, batch_messages: int = BATCH_MESSAGES) -> EwsSource:
    login = EwsLogin(ews.endpoint, MAILBOX, USERNAME, PASSWORD, "basic")
    return EwsSource(EwsConnection(login), batch_messages=batch_messages)


def _five_passes(app: App, source: EwsSource, clock: Clock) -> list[IngestReport]:
    """Passes 10 minutes apart from 09:00 (the fifth at 09:40); the source closed after."""
    try:
        return passes(app, source, clock, [0, 10, 20, 30, 40])
    finally:
        source.close()


def test_an_item_refused_on_five_passes_over_half_an_hour_waits_for_a_person(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    bad = _three(ews)

    blocked = passes(app, source, clock, [0, 10, 20, 30])
    assert all(r.mailbox_error and INTERNAL in r.mailbox_error for r in blocked)
    assert stored_rows(app) == [] and mailbox_state(app).sync_state is None and counted(app) == [4]

    (last,) = passes(app, source, clock, [40])

    assert last.errors == [] and last.quarantined == 1 and last.processed == 2
    (kept,) = [r for r in stored_rows(app) if r.status == "quarantined"]
    assert kept.needs_triage and kept.size == 0 and kept.source_key.startswith(bad)
    assert (kept.message_id, kept.from_addr) == ("broken-1@nhs.net", "dc.invented@nhs.net")
    assert "refused on 5 passes over 40 minutes" in (kept.last_error or "")
    with app.sessions() as session:
        assert [m["id"] for m in quarantine(session)] == [kept.id]
    assert [i.id for i in ews.in_folder("Inbox")] == [bad]
    assert len(ews.in_folder("Processed")) == 2 and mailbox_state(app).sync_state


def test_a_good_read_before_the_threshold_clears_the_count(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    bad = _three(ews)
    passes(app, source, clock, [0, 10, 20])
    del ews.state.item_errors[bad]

    (good,) = passes(app, source, clock, [30])

    assert good.errors == [] and counted(app) == []
    assert sorted(r.message_id for r in stored_rows(app) if r.size) == [
        "broken-1@nhs.net", "sin-1@gmp.police.uk", "sin-2@gmp.police.uk",
    ]  # fmt: skip


def test_an_outage_or_refused_access_never_sets_an_item_aside(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    bad = _three(ews, "ErrorAccessDenied")
    reports = passes(app, source, clock, [0, 15, 30, 45, 60, 75])
    ews.deliver(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    ews.deliver(sin("<sin-4@gmp.police.uk>", sender="sam.invented@gmp.police.uk"))
    for item in ews.in_folder("Inbox"):  # every item alike
        ews.state.item_errors[item.id] = INTERNAL
    asked = ews.state.operations.count("GetItem")
    reports += passes(app, source, clock, [90, 105, 120, 135, 150, 165])
    # Each pass gives up after three failing items, not the whole batch.
    assert ews.state.operations.count("GetItem") - asked == 3 * 6
    ews.state.mailbox_down = True
    reports += passes(app, source, clock, [180, 195, 210, 225, 240, 255])

    assert all(r.mailbox_error for r in reports)
    assert stored_rows(app) == [] and counted(app) == [] and mailbox_state(app).sync_state is None
    assert bad in {i.id for i in ews.in_folder("Inbox")}


def test_a_batch_of_three_stuck_items_is_not_an_outage_when_the_newest_item_reads_whole(
    ews: EwsTestServer, make_app: AppFactory
) -> None:
    """A batch wholly refused (three items, three a batch) looked like an outage for ever; the
    round's newest item, read whole, shows the server gives mail, so they are counted."""
    app, clock = make_app()
    source = _source(ews, batch_messages=3)
    stuck = [
        ews.deliver(email("Minutes", "(attached)", message_id=f"<broken-{i}@nhs.net>"))
        for i in range(3)
    ]
    ews.deliver(sin())
    ews.state.item_errors.update({key: INTERNAL for key in stuck})
    reports = _five_passes(app, source, clock)

    assert blocked_then_set_aside(reports)
    assert statuses(app) == {
        "broken-0@nhs.net": "quarantined", "broken-1@nhs.net": "quarantined",
        "broken-2@nhs.net": "quarantined", "sin-1@gmp.police.uk": "processed",
    }  # fmt: skip
    assert sorted(i.id for i in ews.in_folder("Inbox")) == sorted(stuck)


def test_a_stuck_item_last_in_the_inbox_is_told_from_an_outage_by_mail_already_processed(
    ews: EwsTestServer, make_app: AppFactory
) -> None:
    """Alone in its batch with nothing after it, nothing in the Inbox showed the server gives
    mail, so it held every pass until new mail came. An item of Processed, read whole, does."""
    app, clock = make_app()
    source = _source(ews, batch_messages=2)  # a round read two items at a time
    ews.deliver(sin())
    ews.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    bad = ews.deliver(email("Minutes", "(attached)", message_id="<broken-1@nhs.net>"))
    ews.state.item_errors[bad] = INTERNAL
    reports = _five_passes(app, source, clock)

    assert blocked_then_set_aside(reports)
    assert statuses(app) == {
        "sin-1@gmp.police.uk": "processed", "sin-2@gmp.police.uk": "processed",
        "broken-1@nhs.net": "quarantined",
    }  # fmt: skip
    assert [i.id for i in ews.in_folder("Inbox")] == [bad]


def test_an_outage_of_every_folder_never_sets_the_last_item_aside(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    ews.deliver(sin())
    (first,) = passes(app, source, clock, [0])
    assert first.processed == 1 and len(ews.in_folder("Processed")) == 1
    ews.deliver(email("Minutes", "(attached)", message_id="<broken-1@nhs.net>"))
    for folder in ("Inbox", "Processed"):  # every read fails alike, the witness's too
        ews.state.item_errors.update({i.id: INTERNAL for i in ews.in_folder(folder)})

    reports = passes(app, source, clock, list(range(15, 180, 15)))

    assert all(r.mailbox_error for r in reports) and counted(app) == []
    ews.state.item_errors.clear()
    (mended,) = passes(app, source, clock, [180])
    assert mended.errors == [] and mended.processed == 1 and mended.quarantined == 0
