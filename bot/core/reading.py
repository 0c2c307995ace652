"""The reading process's trouble in words, for `status` and the digest (bot.services.reading):
what happened, what it means for the mail, and what an IT administrator does about it."""

from __future__ import annotations


def reading_problem(reason: str, since: str = "") -> str:
    """`reason`: why the reading process does not work, as the log's ERROR line says it;
    `since`: from when, in words (the digest gives it beside the sentence)."""
    when = f" since {since}" if since else ""
    return (
        f"the reading process does not work ({reason}){when}, so emails and their attachments are "
        "read in the bot's own process, without the time and memory limits that keep a "
        "hostile attachment from hanging the bot or using up its memory; mail is still read. "
        "An IT administrator should run `tscp-bot doctor` on the bot's server (its `reading` "
        "check fails with the cause) and mend what it names (often a broken or half-upgraded "
        "install). The bot tries the reading process again by itself, 5 minutes after it "
        "failed, then less often, up to once an hour, and this problem goes once it answers; "
        "restarting the bot makes it try at once"
    )
