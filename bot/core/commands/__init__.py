"""Instructions people give the bot by replying to its emails: "Vote: rapid review" and so on.

Pure string handling. Only the new text of a reply is read (`new_text`): never the quoted
message below it, which usually contains the bot's own examples of these commands, and never
the signature.

Each line is read on its own. A line is a command when it starts with a known keyword, in any
case, after bullets and bold markers are removed; the colon after the keyword may be a dash or
missing ("VOTE - NFA", "Vote rapid review"). A command line whose value cannot be read gives a
CommandError naming the line: the value is never guessed. Without a colon, only keywords whose
value is checked (a vote, a date, yes/no, a number) are read at all, and a value that does not
check is taken to be ordinary prose ("Published reports are online") except for the keywords
that are always instructions (Vote, Decision, Notifiable, CSPR, Approve, Action done). Keywords
that take free text (Close, Reopen, Reviewer, Agencies, Delay...) need the colon or dash. `Status`
alone asks for the case view (bot.core.commands.status); a longer Status line is prose.
"""

from __future__ import annotations

from bot.core.commands.extended import ComplaintExtended, ReportExtended
from bot.core.commands.keywords import command_keyword
from bot.core.commands.model import (
    AboutCase,
    ActionDone,
    AddAction,
    Answered,
    Approve,
    CancelMeeting,
    Choice,
    Close,
    Command,
    CommandError,
    CorrectDate,
    Corrected,
    CorrectReceived,
    CsprDecision,
    Decision,
    Delay,
    FamilyPreview,
    LaAware,
    LookedAfterDeathNotified,
    MeetingHeld,
    Notifiable,
    NotificationSent,
    NotPublishing,
    ParsedCommands,
    PublicationDelay,
    PublicationPlanned,
    Published,
    Reopen,
    ReportSent,
    ReportSubmitted,
    RequestReturns,
    Reschedule,
    ReturnFrom,
    ReviewerAppointed,
    ScrutineerView,
    StatusRequest,
    Vote,
    WithdrawRequest,
)
from bot.core.commands.parser import parse_commands
from bot.core.commands.quoting import new_text
from bot.core.commands.status import status_in_subject, with_subject_status

__all__ = [
    "AboutCase",
    "ActionDone",
    "AddAction",
    "Answered",
    "Approve",
    "CancelMeeting",
    "Choice",
    "Close",
    "Command",
    "CommandError",
    "ComplaintExtended",
    "CorrectDate",
    "CorrectReceived",
    "Corrected",
    "CsprDecision",
    "Decision",
    "Delay",
    "FamilyPreview",
    "LaAware",
    "LookedAfterDeathNotified",
    "MeetingHeld",
    "NotPublishing",
    "Notifiable",
    "NotificationSent",
    "ParsedCommands",
    "PublicationDelay",
    "PublicationPlanned",
    "Published",
    "Reopen",
    "ReportExtended",
    "ReportSent",
    "ReportSubmitted",
    "RequestReturns",
    "Reschedule",
    "ReturnFrom",
    "ReviewerAppointed",
    "ScrutineerView",
    "StatusRequest",
    "Vote",
    "WithdrawRequest",
    "command_keyword",
    "new_text",
    "parse_commands",
    "status_in_subject",
    "with_subject_status",
]
