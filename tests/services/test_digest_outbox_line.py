"""The digest's "Emails waiting to send" counts mail that is really waiting, not the emails
queued in the same pass that go out with the digest itself."""

from __future__ import annotations

from bot.adapters.outgoing import SendError
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import BM, Bot, reply


class DownSender:
    """A mail server that answers every email with a temporary refusal."""

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        raise SendError("451 try later")


def _outbox_line(body: str) -> str:
    return next(line.strip() for line in body.splitlines() if "Emails waiting to send" in line)


def test_only_mail_really_waiting_is_counted_as_waiting(bot: Bot) -> None:
    bot.at("2026-12-17T07:50").mail(BM, reply("TSCP-2026-0001"), "Status")
    bot.app.open_sender = DownSender
    bot.run()  # before the digest's time: the reply is refused, and waits
    # A command answered in the digest's own pass: its reply goes out with the digest.
    bot.at("2026-12-17T08:20").mail(BM, reply("TSCP-2026-0001"), "Status")

    line = _outbox_line(digest_on(bot, "2026-12-17"))

    assert line == (
        "Emails waiting to send: 1 (besides 1 just queued, going out with this digest)"
    ), line
