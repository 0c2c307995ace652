"""One SMTP mail transaction on a connection that is already open and logged in.

The envelope (MAIL FROM, each RCPT TO, DATA) goes in one write where the relay offers
PIPELINING (RFC 2920), as Exchange and Postfix do: one round trip instead of two plus one per
recipient, which is most of an email's time on a relay a few milliseconds away. Without it,
each command waits for its reply, as smtplib's sendmail does.

Everything up to the relay's 354 is "before the body": nothing of the email has been sent,
and a connection lost there can be tried again on a fresh one (a refusal there is the relay's
answer, not a lost connection). From the first byte of the body on, a lost connection means
the relay may have the email (AfterData).
"""

from __future__ import annotations

import re
import smtplib
from typing import NoReturn

Refused = dict[str, tuple[int, bytes]]

_NOT_ASCII = (553, b"address is not ASCII (needs SMTPUTF8)")
_LINE_START_DOT = re.compile(rb"(?m)^\.")


class MessageRefused(smtplib.SMTPDataError):
    """The relay answered the whole message (after its final dot) with a refusal: it has
    not taken it, for anyone. A 5xx (content refused, too large) is for good."""


class DataRefused(smtplib.SMTPDataError):
    """The relay answered the DATA command itself with a refusal, before any of the body
    went: nothing was sent. A 5xx (a policy refusing this email) is for good."""


class AfterData(Exception):
    """The connection failed once the body was on its way: the relay may have accepted it."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def transaction(smtp: smtplib.SMTP, raw: bytes, sender: str, recipients: list[str]) -> Refused:
    """Send one email; the recipients refused while others accepted it. Raises smtplib's
    errors before the body (DataRefused for a refusal of DATA itself); after it AfterData, or
    MessageRefused when the relay answers it with a refusal."""
    smtp.ehlo_or_helo_if_needed()
    if smtp.has_extn("pipelining"):
        refused = _pipelined_envelope(smtp, sender, recipients)
    else:
        refused = _envelope(smtp, sender, recipients)
    _body(smtp, raw)
    return refused


def _envelope(smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> Refused:
    """MAIL FROM, RCPT TO and DATA, each waiting for its reply."""
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused, sendable = _not_ascii(recipients)
    for address in sendable:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        raise DataRefused(code, reply)
    return refused


def _pipelined_envelope(smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> Refused:
    """The same commands in one write, then their replies read in order (RFC 2920 §3.1)."""
    refused, sendable = _not_ascii(recipients)
    if not sendable:
        raise smtplib.SMTPRecipientsRefused(refused)
    commands = [f"MAIL FROM:{smtplib.quoteaddr(sender)}"]
    commands += [f"RCPT TO:{smtplib.quoteaddr(address)}" for address in sendable]
    smtp.send("".join(f"{c}\r\n" for c in [*commands, "DATA"]))
    code, reply = smtp.getreply()
    if code == 421:  # closing the connection: the replies to the rest will not come
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    mail = code, reply
    for address in sendable:
        code, reply = smtp.getreply()
        if code not in (250, 251):
            refused[address] = (code, reply)
    data = smtp.getreply()
    if data[0] != 354:
        _refuse(mail, sender, refused, recipients, data)
    if mail[0] != 250 or len(refused) == len(recipients):
        # A relay that took DATA for a transaction it refused waits for a body; whatever
        # came next would be delivered, so the connection is cut instead.
        smtp.close()
        _refuse(mail, sender, refused, recipients, data)
    return refused


def _refuse(
    mail: tuple[int, bytes],
    sender: str,
    refused: Refused,
    recipients: list[str],
    data: tuple[int, bytes],
) -> NoReturn:
    """The error a refused pipelined transaction raises: the first refusal in the dialogue."""
    if mail[0] != 250:
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    raise DataRefused(*data)


def _not_ascii(recipients: list[str]) -> tuple[Refused, list[str]]:
    """The addresses smtplib cannot write (ASCII commands only; without SMTPUTF8 no server
    could take them), refused for good here rather than failing the send for everyone."""
    refused = {a: _NOT_ASCII for a in recipients if not a.isascii()}
    return refused, [a for a in recipients if a.isascii()]


def _body(smtp: smtplib.SMTP, raw: bytes) -> None:
    """The message after the relay's 354, dot-stuffed and ended as RFC 5321 §4.5.2 asks."""
    body = _LINE_START_DOT.sub(b"..", raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        smtp.send(body + b".\r\n")
        code, reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise AfterData(exc) from None
    if code != 250:
        raise MessageRefused(code, reply)
