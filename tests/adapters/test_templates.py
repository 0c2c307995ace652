"""Every event folder renders with a realistic context; the renderer refuses to fail quietly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.rules_loader import load_rules
from bot.adapters.templates import TemplateError, TemplateRenderer
from bot.config.paths import packaged
from bot.core.health import JobState, Snapshot, Thresholds, ended_sentence, problems
from bot.core.message import MailMessage
from bot.core.reading_trouble import reading_trouble
from bot.core.report_view import report_context
from bot.core.rules import ClassifyContext, Kind, classify
from tests.fixtures.timeliness_year import invented_month

TEMPLATES = packaged("templates")
LONDON = ZoneInfo("Europe/London")

PARTNERSHIP = {
    "name": "Tameside Safeguarding Children Partnership",
    "mailbox": "tscp@example.org",
    "prefix": "TSCP",
}
BUSINESS_MANAGER = {
    "name": "Pat Example",
    "email": "pat.example@example.org",
    "signed": "Pat Example, Business Manager",
}
CASE = {"ref": "TSCP-2026-0001", "initials": "A.B."}
APPENDIX_B_DEADLINE = {
    "name": "appendix_b:3",
    "title": "Agency returns its Appendix B information by the date set in the request",
    "due": date(2027, 1, 12),
    "explain": "Date set in the Rapid Review information request sent on Tue 5 Jan 2027.",
}
DEADLINES = [
    {
        "name": "screening",
        "title": "Screening Panel meets",
        "due": date(2026, 12, 29),
        "explain": "Within 2 working days of the notification.",
        "when": "",  # "passed" or "today" when the email is written on or after the day
    },
    {
        "name": "national_panel",
        "title": "Local authority notifies the National Panel",
        "due": date(2026, 12, 31),
        "explain": "Within 5 working days of the local authority becoming aware.",
        "when": "",
    },
]
MEETING = {
    "start": datetime(2026, 12, 29, 10, 0, tzinfo=LONDON),
    "end": datetime(2026, 12, 29, 11, 0, tzinfo=LONDON),
    "location": "Microsoft Teams (link in the calendar invitation)",
}

# One example context per event folder, written out in full so it documents what each
# template expects. Only invented people and example.org/example.net addresses.
CONTEXTS: dict[str, dict[str, Any]] = {
    "sin_acknowledgement": {
        "partnership": PARTNERSHIP,
        "case": {"ref": "TSCP-2026-0007", "initials": "A.B."},
        "received_at": datetime(2026, 12, 24, 14, 32, tzinfo=UTC),
        "screening": {
            "start": MEETING["start"],
            "end": MEETING["end"],
            "late": False,
            "gone": False,
        },
        # The day the panel was due, when it had passed before the case was opened.
        "screening_overdue": None,
        "deadlines": DEADLINES,
        "business_manager": BUSINESS_MANAGER,
        "missing": ["date the local authority became aware", "child 2: date of birth"],
        "form_unread": False,
        "form_absent": False,
        # Forwarded by the Business Manager, or by the referrer's own colleague: bot.services
        # .new_case.ack_context always gives these, and the templates use them in branches.
        "passed_on": False,
        "sent_on": None,
        "start_unsure": False,
        "arrival_unknown": False,
    },
    "screening_invitation": {
        "partnership": PARTNERSHIP,
        "case": {"ref": "TSCP-2026-0007", "initials": ""},
        "meeting": MEETING,
        "deadlines": DEADLINES,
        "voting_hint": "Reply to this email with one line:\n"
        "DECISION: RAPID REVIEW  or  DECISION: NO RAPID REVIEW",
        "previous": None,
    },
    "screening_cancelled": {
        "partnership": PARTNERSHIP,
        "case": CASE,
        "meeting": MEETING,
        "reason": "the panel's decision is recorded; the meeting is not needed",
    },
    "cspr_decision": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001", "initials": "A.B."},
        "hold": True,
        "decided_on": date(2027, 1, 7),
        "report_due": date(2027, 7, 7),
        "report_due_how": "6 months from the decision",
        "rationale": "",
        "corrects": None,
        "reviewer_appointed": False,
    },
    "screening_outcome": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "decision": {"choice": "rapid_review", "label": "Rapid Review"},
        "decided_by": "majority of the statutory partners (2 of 3)",
        "votes": [
            {
                "role_label": "Local authority",
                "agency": "Tameside Council Children's Services",
                "choice_label": "Rapid Review",
                "at": datetime(2026, 12, 29, 10, 40, tzinfo=UTC),
            },
            {
                "role_label": "Police",
                "agency": "Greater Manchester Police",
                "choice_label": "Rapid Review",
                "at": datetime(2026, 12, 29, 11, 2, tzinfo=UTC),
            },
        ],
        "later_vote": None,
        "notifiable": True,
        "scrutineer_hint": "Reply to this email with one line:\nAgree  or  Disagree: <your reason>",
        "next_steps": [
            "The Business Manager sends the Appendix B information requests to agencies.",
            "The Rapid Review should be completed by Tue 19 Jan 2027.",
        ],
    },
    "referrer_outcome": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "decision": {"choice": "rapid_review", "label": "Rapid Review"},
        "changed": False,
    },
    "appendix_b_request": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "agency": {"name": "Tameside and Glossop Integrated Care NHS Foundation Trust"},
        "review_period": "1 June 2025 to 22 December 2026",
        "return_by": date(2027, 1, 12),
        "requested_on": date(2027, 1, 5),
    },
    "appendix_b_receipt": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "agency": {"name": "Tameside and Glossop Integrated Care NHS Foundation Trust"},
        "received_at": datetime(2027, 1, 11, 15, 40, tzinfo=UTC),
        # The mailbox gave no arrival time: the read time is never said as if it were one.
        "arrival_unknown": False,
        # Read as an Appendix B form; when not, a person looks at the document.
        "read": True,
    },
    "screening_reconvene": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "reason": "no majority: the partners must agree",
        "withdrawn": None,
        "votes": [
            {
                "role_label": "Police",
                "agency": "Greater Manchester Police",
                "choice_label": "Rapid Review",
                "at": datetime(2026, 12, 16, 11, 0, tzinfo=UTC),
            }
        ],
    },
    "vote_reminder": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "partner": {"role_label": "Health"},
        "due": date(2026, 12, 29),
    },
    "votes_missing": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "missing": ["Local authority", "Health"],
        "due": date(2026, 12, 18),
        "meeting_ended": datetime(2026, 12, 21, 15, 0, tzinfo=UTC),
        "unsent": True,
    },
    "deadline_reminder": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "case_closed": False,
        "deadline": APPENDIX_B_DEADLINE,
        "step": {
            "label": "Appendix B return",
            "kind": "due",
            "working_days_overdue": 0,
            "while_closed": None,
            "closed_by": None,
        },
        "recipient_role": "agency",
        "action_hint": "Return the completed Appendix B form by secure email today, "
        "as a reply to the original request.",
    },
    "deadline_escalation": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "case_closed": False,
        "deadline": APPENDIX_B_DEADLINE,
        "agency": {"name": "Greater Manchester Police"},
        "step": {"label": "Appendix B return", "working_days_overdue": 3},
        "reminders_sent": 2,
        "out_of_office": date(2027, 1, 6),
        "replied_on": date(2027, 1, 7),
        "not_recorded": "the return is not yet recorded",
    },
    "panel_delay_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "reason": "Two agencies need more time to complete their chronologies "
        "over the holiday period.",
        "expected": date(2027, 1, 29),
        "notification_sent_on": date(2026, 12, 24),
        "rapid_review_due": date(2027, 1, 19),
    },
    "reviewer_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "reviewer_name": "Sam Reviewer",
        "decision_on": date(2027, 1, 25),
        "report_due": date(2027, 7, 23),
        "report_overdue": False,  # appointed after the 6 months: says so, promises nothing
    },
    "publication_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "planned_on": date(2027, 7, 20),
        "notice_due": date(2027, 7, 9),
        "given": 12,
        "late": False,
        "report_sent_on": None,
        "replaces": {"sent_on": date(2027, 6, 25), "planned_on": date(2027, 7, 13)},
    },
    "rapid_review_delay_check": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "rapid_review_due": date(2027, 1, 19),
        "overdue": False,
        "notification_sent_on": date(2026, 12, 24),
        "rr_meeting_on": None,
        "count": "rule",
        "counted_again": date(2027, 1, 19),
    },
    "publication_delay_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": CASE,
        "kind": "delayed",
        "reason": "A criminal trial is due to start in September 2027.",
    },
    "escalation_acknowledgement": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "escalation": {"ref": "TSCP-ESC-2027-0002"},
        "linked_case_ref": "TSCP-2026-0001",
    },
    "escalation_alert": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "escalation": {"ref": "TSCP-ESC-2027-0002"},
        "linked_case_ref": None,
        "from_domain": "school.example.net",
        "from_agency": "Schools outside Tameside",
        "received_at": datetime(2027, 1, 6, 15, 20, tzinfo=UTC),
        "subject": "Challenge to <screening> decision & request for review",
        "acknowledged": True,
        "held_back": False,
    },
    "complaint_acknowledgement": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "complaint": {"ref": "TSCP-CMP-2027-0001"},
        "received_on": date(2027, 1, 6),
        "reply_by": date(2027, 2, 3),
        "ombudsman": {
            "name": "Local Government and Social Care Ombudsman",
            "phone": "0300 061 0614",
            "website": "www.lgo.org.uk",
        },
    },
    "approval_request": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "draft": {
            "id": 17,
            "event": "panel_delay_notice",
            "recipients": ["panel@example.net"],
            "subject": "[TSCP-2026-0001] Rapid Review delayed: expected by Fri 29 Jan 2027",
            "text": "Dear Child Safeguarding Practice Review Panel,\n\nRAPID REVIEW DELAY",
        },
        "how_to_approve": "Reply to this email with the line: Approve 17\n"
        "or run: tscp-bot outbox approve 17",
        "restated": None,
        "check": None,
    },
    "command_rejected": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case_ref": "TSCP-2026-0001",
        "sender": "someone@unknown.example.net",
        "refused": [
            {
                "line": "DECISION: NO RAPID REVIEW",
                "reason": "someone@unknown.example.net is not a configured Business Manager, "
                "Independent Scrutineer or statutory partner representative",
            },
            {"line": "CLOSE CASE: duplicate", "reason": "the same"},
        ],
    },
    "command_result": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001"},
        "results": [
            {"line": "DECISION: RAPID REVIEW", "outcome": "Your vote for a Rapid Review."},
        ],
        "errors": [{"line": "DESICION: maybe", "message": "Not a command we recognise."}],
    },
    "case_reply_alert": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0004", "initials": "K.M."},
        "stage": "rapid review",
        "closed": False,
        "sender": "Robin Invented <robin.invented@example.net>",
        "agency": "Greater Manchester Police",
        "received_at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
        "first_lines": "The child has deteriorated overnight.\nPlease call me urgently.",
        "message_id": 31,
    },
    "triage_alert": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "sender": "Alex Placeholder <alex.placeholder@example.net>",
        "agency": "NHS Tameside and Glossop ICB",
        "received_at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
        "message_id": 32,
        "why": "a SIN form naming a different child on TSCP-2026-0002: a new notification?",
        "acted": None,  # what the bot did do, when it acted on part of the email
    },
    "untrue_when_sent": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001"},
        "email": {
            "id": 12,
            "what": "Rapid Review delay notice to the National Panel",
            "to": ["mailbox.nationalreviewpanel@education.gov.uk"],
        },
        "outcome": "held",  # or "withdrawn", or "redated" (an Appendix B request)
        "line": "Email #12 (Rapid Review delay notice to the National Panel) to "
        "mailbox.nationalreviewpanel@education.gov.uk was not sent on Thu 14 Jan 2027: the "
        "date it gives (Wed 13 Jan 2027) has passed; write Delay: <reason>; expected <date> "
        "again to draft it afresh.",
    },
    "not_delivered_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001"},
        "email": {
            "id": 12,
            "what": "Rapid Review delay notice to the National Panel",
            "subject": "[TSCP-2026-0001] Rapid Review: delay notice",
        },
        "recipients": ["mailbox.nationalreviewpanel@education.gov.uk (the National Panel)"],
        "reason": "550 5.1.1 <address>: Recipient address rejected: User unknown",
        "failed": True,  # refused whole: outbox retry sends it again
        "report_id": None,  # the delivery report on the triage list, for a bounce
        "statutory": True,
    },
    "unconfirmed_send_notice": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001"},
        "email": {
            "id": 12,
            "what": "Rapid Review delay notice to the National Panel",
            "subject": "[TSCP-2026-0001] Rapid Review: delay notice",
        },
        # Those outside the partnership it was to, with their role where known.
        "recipients": ["mailbox.nationalreviewpanel@education.gov.uk (the National Panel)"],
        "started": datetime(2026, 12, 23, 9, 5, tzinfo=UTC),  # when the attempt began
        "statutory": True,
        "sent_folder": "Sent Items",  # the folder searched, as the mailbox names it
    },
    "command_refused_to_sender": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "lines": ["Vote: ... (what followed is left out of this email)"],
        "reason": "not from a configured address for that role",
        "sent_at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
    },
    "command_no_case": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "lines": ["Close: duplicate", "Agencies: gmp\nReturn by: 24/12/2026"],
        "below_signature": ["Vote:"],
        "reason": "it answers the daily digest or names several cases",
        "sent_at": datetime(2026, 11, 26, 9, 5, tzinfo=UTC),
        "placeholder": "TSCP-YYYY-NNNN",
        "terminal": 'tscp-bot command TSCP-YYYY-NNNN "Close: duplicate" "Agencies: gmp" '
        '"Return by: 24/12/2026"',
    },
    "command_not_recognised": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0001", "initials": "A.B."},
        "labels": ["Awareness date:", "Notifed:"],
        "nearest": ["Aware:", "Notified:"],
        "below_signature": ["Vote:"],
        "sent_at": datetime(2026, 12, 17, 9, 5, tzinfo=UTC),
    },
    "commands_on_new_record": {
        "partnership": PARTNERSHIP,
        "business_manager": BUSINESS_MANAGER,
        "case": {"ref": "TSCP-2026-0009"},
        "lines": ["Aware: 14/12/2026"],
        "below_signature": ["Vote:"],
        "sent_at": datetime(2026, 12, 16, 9, 5, tzinfo=UTC),
        "terminal": 'tscp-bot command TSCP-2026-0009 "Aware: 14/12/2026"',
    },
    "daily_digest": {
        "partnership": PARTNERSHIP,
        "today": date(2026, 11, 26),
        "working_days": 5,
        "new_on_cases": [
            {
                "ref": "TSCP-2026-0004",
                "at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
                "arrived": True,
                "who": "Robin Invented <robin.invented@example.net>",
                "agency": "Greater Manchester Police",
                "lines": ["The child has deteriorated overnight.", "Please call me <urgently>."],
            }
        ],
        "panels": [
            {
                "ref": "TSCP-2026-0007",
                "start": datetime(2026, 11, 27, 14, 0, tzinfo=LONDON),
                "quorate": False,
                "quorum": "not quorate: health declined",
                "answers": [
                    {"role": "local_authority", "said": "accepted", "earlier_time": ""},
                    {"role": "police", "said": "no answer yet", "earlier_time": "accepted"},
                    {"role": "health", "said": "declined", "earlier_time": ""},
                ],
                "held": False,
                "votes": [
                    {"partner": "Local authority", "vote": "Rapid Review"},
                    {"partner": "Police", "vote": "No further action"},
                    {"partner": "Health", "vote": "not voted yet"},
                ],
                "standing": "no majority yet; waiting for Health",
            }
        ],
        "new_cases": [
            {
                "ref": "TSCP-2026-0007",
                "opened_at": datetime(2026, 11, 25, 9, 5, tzinfo=UTC),
                "kind": "Serious incident notification",
            }
        ],
        "upcoming": [
            {
                "ref": "TSCP-2026-0008",
                "name": "screening",
                "title": "Screening Panel meets",
                "due": date(2026, 11, 26),
                "explain": "Within 2 working days of the notification.",
                "delay_told": None,
                "delay_passed": False,
                "while_closed": None,
                "closed_by": None,
            },
            {
                "ref": "TSCP-2026-0007",
                **DEADLINES[0],
                "delay_told": None,
                "delay_passed": False,
                "while_closed": None,
                "closed_by": None,
            },
        ],
        "act_today": "",
        "overdue": [
            {
                "ref": "TSCP-2026-0005",
                "name": "national_panel",
                "title": "Local authority notifies the National Panel",
                "due": date(2026, 11, 23),
                "days_overdue": 3,
                "explain": "Within 5 working days of the local authority becoming aware.",
                "delay_told": None,
                "delay_passed": False,
                "while_closed": None,
                "closed_by": None,
            },
            {
                "ref": "TSCP-2026-0004",
                "name": "rapid_review",
                "title": "Rapid Review completed and sent to the National Panel",
                "due": date(2026, 11, 24),
                "days_overdue": 2,
                "explain": "Within 15 working days of the notification to the National Panel.",
                "delay_told": (date(2026, 11, 20), date(2026, 12, 18)),
                "delay_passed": False,
                "while_closed": None,
                "closed_by": None,
            },
        ],
        "triage_total": 1,
        "triage": [
            {
                "id": 12,
                "received_at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
                "sender": "sam.invented@tameside.example.net",
                "agency": "Tameside Metropolitan Borough Council",
                "subject": "Minutes <draft> & actions",
                "reason": "No case reference in the subject",
            }
        ],
        "quarantine": [
            {
                "id": 9,
                "received_at": datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
                "sender": "ash.invented@gmp.police.uk",
                "subject": "Serious Incident Notification - GM SIN form",
                "reason": "Could not parse the message",
                "attempts": 3,
            }
        ],
        "quarantine_total": 1,
        "not_delivered": [
            {
                "id": 21,
                "ref": "TSCP-2026-0005",
                "subject": "[TSCP-2026-0005] Appendix B request: return by Mon 30 Nov 2026",
                "reported_at": datetime(2026, 11, 25, 10, 2, tzinfo=UTC),
                "line": "not delivered to dsl@larkspurvale.tameside.sch.uk: the address does "
                "not exist (550 5.1.1 <dsl@larkspurvale.tameside.sch.uk>: user unknown)",
            }
        ],
        "awaiting_approval": [
            {
                "id": 17,
                "what": "Rapid Review delay notice to the National Panel",
                "subject": "[TSCP-2026-0005] Rapid Review delayed: expected by Fri 4 Dec 2026",
                "recipients": ["panel@example.net"],
            }
        ],
        "returns": [
            {
                "ref": "TSCP-2026-0005",
                "agency": "Greater Manchester Police",
                "key": "gmp",
                "due": date(2026, 11, 23),
                "state": "overdue",
                "away": date(2026, 11, 18),
                "replied": date(2026, 11, 19),
            },
            {
                "ref": "TSCP-2026-0005",
                "agency": "Tameside Council Education",
                "key": "education",
                "due": date(2026, 11, 23),
                "state": "received",
                "away": None,
                "replied": None,
            },
        ],
        "actions": [
            {
                "ref": "TSCP-2026-0004",
                "number": 2,
                "text": "Share the learning brief with schools",
                "owner": "Education safeguarding lead",
                "due": date(2026, 12, 4),
                "state": "open",
            }
        ],
        "flags": [
            {
                "ref": "TSCP-2026-0005",
                "what": "Scrutineer disagrees",
                "detail": "Disagree: the notification criteria are met.",
            }
        ],
        "complaints": [
            {
                "ref": "TSCP-CMP-2026-0003",
                "received_on": date(2026, 11, 2),
                "reply_by": date(2026, 11, 30),
                "state": "open",
            }
        ],
        "escalations": [
            {
                "ref": "TSCP-2026-0007",
                "opened_at": datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
                "about": "TSCP-2026-0005",
                "from": "sam.invented@tameside.gov.uk",
            }
        ],
        "health": {
            "problems": [
                {
                    "sentence": "the reminders job keeps failing: 4 failed runs, last: "
                    "OperationalError: database is locked",
                    "since": datetime(2026, 11, 26, 5, 40, tzinfo=UTC),
                }
            ],
            "not_running": [
                {
                    "start": datetime(2026, 11, 25, 1, 10, tzinfo=UTC),
                    "end": datetime(2026, 11, 25, 6, 30, tzinfo=UTC),
                }
            ],
            "ended": [
                {
                    "sentence": "emails are going out again",
                    "since": datetime(2026, 11, 25, 21, 5, tzinfo=UTC),
                    "at": datetime(2026, 11, 25, 22, 40, tzinfo=UTC),
                }
            ],
            "last_mailbox_check": datetime(2026, 11, 26, 6, 55, tzinfo=UTC),
            "mailbox_error": None,
            "left_in_inbox": "Left 3 messages that arrived before Tue 1 Dec 2026 in the inbox,"
            " untouched (oldest Tue 3 Mar 2026): no case opened, nothing acknowledged.",
            "outbox_pending": 1,
            "outbox_going_now": 2,
            "outbox_failed": [
                {
                    "id": 4,
                    "subject": "[TSCP-2026-0006] Screening Panel: Mon 23 Nov 2026 14:00",
                    "attempts": 5,
                    "last_error": "SMTP smtp.example.org:587: timed out",
                }
            ],
        },
    },
}

# The case view sent in answer to `Status`, as bot.core.case_status builds it (plain dicts here).
CONTEXTS["case_status"] = {
    "partnership": PARTNERSHIP,
    "business_manager": BUSINESS_MANAGER,
    "case": CASE,
    "view": {
        "ref": "TSCP-2026-0001",
        "initials": "A.B.",
        "kind_words": "serious incident notification",
        "is_review": True,
        "status": "open",
        "stage": "rapid review",
        "decision": "Rapid Review",
        "notifiable": "yes",
        "cspr": "not recorded yet",
        "today": date(2027, 1, 14),
        "overdue": 1,
        "act_today": "",
        "warnings": ["The Rapid Review is due in 3 working days and 1 return is outstanding."],
        "deadlines": [
            {
                "title": "Agency returns its Appendix B information (Greater Manchester Police)",
                "due": date(2027, 1, 12),
                "state": "overdue",
                "days_overdue": 2,
                "met_on": None,
                "explanation": "Due Tue 12 Jan 2027: return date set when the request was made.",
                "while_closed": None,
            },
            {
                "title": "Screening Panel meets",
                "due": date(2026, 12, 29),
                "state": "met",
                "days_overdue": 0,
                "met_on": date(2026, 12, 29),
                "explanation": "Due Tue 29 Dec 2026: 2 working days after the SIN was "
                "received on Wed 23 Dec 2026, skipping Fri 25 Dec 2026 Christmas Day.",
                "while_closed": None,
            },
        ],
        "votes": [
            {
                "partner": "Police",
                "choice": "Rapid Review",
                "at": datetime(2026, 12, 29, 10, 40, tzinfo=UTC),
                "replaced": False,
            }
        ],
        "returns": [
            {
                "agency": "Greater Manchester Police",
                "requested_on": date(2027, 1, 4),
                "return_by": date(2027, 1, 12),
                "overdue": True,
            }
        ],
        "meetings": [
            {
                **MEETING,
                "purpose": "screening",
                "state": "quorate: all three partners accepted",
                "answers": [
                    {
                        "partner": "Police",
                        "said": "accepted",
                        "at": datetime(2026, 12, 24, 9, 0, tzinfo=UTC),
                    }
                ],
            }
        ],
        "drafts": [{"number": 17, "what": "Rapid Review delay notice to the National Panel"}],
        "events": [
            {
                "at": datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
                "who": "pat.example@example.org",
                "what": "command",
                "detail": "Agencies: gmp -> requested",
            }
        ],
        "events_in_full": True,
    },
}

CONTEXTS["system_alert"] = {
    "partnership": PARTNERSHIP,
    "business_manager": BUSINESS_MANAGER,
    "problem": {
        "kind": "failing",
        "job": "mailbox",
        "sentence": "the mailbox job keeps failing: 3 failed runs, last: "
        "MailboxError: IMAP login failed",
        "since": datetime(2026, 11, 26, 7, 2, tzinfo=UTC),
    },
    "instance": "bot-host:4242:a1b2c3",
}

CONTEXTS["junk_mail"] = {
    "partnership": PARTNERSHIP,
    "business_manager": BUSINESS_MANAGER,
    "sender": "sam.sample@example.nhs.uk",
    "subject": "SIN notification",
    "line": "In Junk Email: from sam.sample@example.nhs.uk, SIN notification, arrived Thu 3 Dec "
    "2026 09:15: if it is real, move it to the Inbox in Outlook; the bot then reads it, its "
    "clocks from when it arrived",
}

CONTEXTS["system_recovered"] = {
    **CONTEXTS["system_alert"],
    "ended": {
        "sentence": "the mailbox job runs again",
        "at": datetime(2026, 11, 26, 8, 14, tzinfo=UTC),
    },
    "waited": {"stored": 0, "outbox": 0},
}

# The Business Manager's monthly report; its charts named as in the email (by Content-ID).
CONTEXTS["timeliness_report"] = {
    "partnership": PARTNERSHIP,
    "business_manager": BUSINESS_MANAGER,
    **report_context(
        invented_month(),
        [
            {
                "title": "Statutory deadlines met on time, by quarter",
                "alt": "Bar chart: the share of deadlines met on time.",
                "src": "cid:on-time-by-quarter@tscp-bot",
                "width": 1000,
                "height": 580,
            }
        ],
        monthly=True,
    ),
}

EMPTY_DIGEST: dict[str, Any] = {
    **CONTEXTS["daily_digest"],
    "new_on_cases": [],
    "panels": [],
    "new_cases": [],
    "upcoming": [],
    "overdue": [],
    "triage": [],
    "triage_total": 0,
    "quarantine": [],
    "quarantine_total": 0,
    "not_delivered": [],
    "awaiting_approval": [],
    "returns": [],
    "actions": [],
    "flags": [],
    "complaints": [],
    "escalations": [],
    "health": {
        "problems": [],
        "not_running": [],
        "ended": [],
        "last_mailbox_check": None,
        "mailbox_error": "IMAP login failed",
        "left_in_inbox": None,
        "outbox_pending": 0,
        "outbox_going_now": 0,
        "outbox_failed": [],
    },
}


@pytest.fixture
def renderer() -> TemplateRenderer:
    return TemplateRenderer(TEMPLATES)


def test_every_event_folder_has_an_example_context(renderer: TemplateRenderer) -> None:
    assert sorted(CONTEXTS) == renderer.events()


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_every_event_renders(renderer: TemplateRenderer, event: str) -> None:
    out = renderer.render(event, CONTEXTS[event])
    assert out.subject and "\n" not in out.subject and out.subject == out.subject.strip()
    assert out.text.strip() and out.html.strip()
    assert "Tameside Safeguarding Children Partnership" in out.text
    ref = _reference(CONTEXTS[event])
    if ref is not None:
        assert out.subject.startswith(f"[{ref}]")
        assert ref in out.text and ref in out.html


def _reference(ctx: dict[str, Any]) -> str | None:
    """The reference an email is about, whichever key the event carries it under."""
    for key in ("case", "escalation", "complaint"):
        if key in ctx:
            return str(ctx[key]["ref"])
    return ctx.get("case_ref")


def test_subjects_match_the_agreed_wording(renderer: TemplateRenderer) -> None:
    subjects = {event: renderer.render(event, ctx).subject for event, ctx in CONTEXTS.items()}
    assert subjects == {
        "sin_acknowledgement": "[TSCP-2026-0007] Serious incident notification received",
        "screening_invitation": "[TSCP-2026-0007] Screening Panel: Tue 29 Dec 2026 10:00",
        "screening_cancelled": "[TSCP-2026-0001] Screening Panel cancelled: Tue 29 Dec 2026 10:00",
        # Changed for issue 13: the count of what must be acted on, not the date.
        "daily_digest": "TSCP digest: 2 overdue, 1 due today, 1 due within 5 working days "
        "(Thu 26 Nov 2026)",
        "screening_outcome": "[TSCP-2026-0001] Screening Panel decision: Rapid Review",
        "cspr_decision": "[TSCP-2026-0001] CSPR decision: a local review will be held",
        "screening_reconvene": "[TSCP-2026-0001] Screening Panel: no majority, please "
        "reconvene the partners",
        "vote_reminder": "[TSCP-2026-0001] Screening Panel: your vote is needed by Tue 29 Dec 2026",
        "votes_missing": "[TSCP-2026-0001] Screening Panel: no decision, and votes missing "
        "after the meeting",
        "referrer_outcome": "[TSCP-2026-0001] Outcome of your serious incident notification",
        "appendix_b_request": "[TSCP-2026-0001] Rapid Review information request "
        "(Appendix B): return by Tue 12 Jan 2027",
        "appendix_b_receipt": "[TSCP-2026-0001] Appendix B return received",
        "deadline_reminder": "[TSCP-2026-0001] Reminder: Appendix B return due today",
        "deadline_escalation": "[TSCP-2026-0001] Escalation: Appendix B return "
        "3 working days overdue",
        "panel_delay_notice": "[TSCP-2026-0001] Rapid Review delayed: expected by Fri 29 Jan 2027",
        "rapid_review_delay_check": "[TSCP-2026-0001] Rapid Review due Tue 19 Jan 2027: "
        "will it be late?",
        "reviewer_notice": "[TSCP-2026-0001] Local child safeguarding practice review: "
        "independent reviewer appointed",
        "publication_notice": "[TSCP-2026-0001] Notice of publication of a local child "
        "safeguarding practice review: Tue 20 Jul 2027",
        "publication_delay_notice": "[TSCP-2026-0001] Publication of a local child "
        "safeguarding practice review delayed",
        "escalation_acknowledgement": "[TSCP-ESC-2027-0002] Professional difference received",
        "escalation_alert": "[TSCP-ESC-2027-0002] New professional difference or challenge",
        "complaint_acknowledgement": "[TSCP-CMP-2027-0001] We have received your complaint",
        "approval_request": "Approval needed (draft 17): [TSCP-2026-0001] Rapid Review "
        "delayed: expected by Fri 29 Jan 2027",
        "command_rejected": "[TSCP-2026-0001] Commands not carried out: email from "
        "someone@unknown.example.net",
        "command_result": "[TSCP-2026-0001] Your commands: 1 recorded, 1 not carried out",
        "case_reply_alert": "[TSCP-2026-0004] New on your case: Robin Invented "
        "<robin.invented@example.net> (Greater Manchester Police)",
        "triage_alert": "TSCP triage now: message #32 from Alex Placeholder "
        "<alex.placeholder@example.net>",
        "command_refused_to_sender": "Not carried out: the commands in your email",
        "not_delivered_notice": "[TSCP-2026-0001] Statutory notification NOT made: Not "
        "delivered: Rapid Review delay notice to the National Panel #12",
        "unconfirmed_send_notice": "[TSCP-2026-0001] Statutory notification NOT confirmed: "
        "May have been sent: Rapid Review delay notice to the National Panel #12",
        "untrue_when_sent": "[TSCP-2026-0001] Held, not sent: Rapid Review delay notice to the "
        "National Panel #12",
        "command_no_case": "Nothing was done: which case are your commands for?",
        "command_not_recognised": "[TSCP-2026-0001] Nothing recorded: no command recognised "
        "in your email",
        "commands_on_new_record": "[TSCP-2026-0009] Not carried out: the commands in the email "
        "that opened this record",
        "junk_mail": "TSCP In Junk Email, not read: from sam.sample@example.nhs.uk",
        "system_alert": "TSCP bot needs attention: the mailbox job keeps failing",
        "system_recovered": "TSCP bot working again: the mailbox job runs again",
        "case_status": "[TSCP-2026-0001] Case view (A.B.): rapid review, 1 overdue",
        "timeliness_report": "TSCP timeliness report: November 2026",
    }


def test_acknowledgement_explains_next_steps(renderer: TemplateRenderer) -> None:
    text = renderer.render("sin_acknowledgement", CONTEXTS["sin_acknowledgement"]).text
    assert "2 working days" in text and "5 working days" in text and "Rapid Review" in text
    assert "Tuesday 29 December 2026, 10:00 to 11:00" in text
    assert "received it at\n14:32 on Thursday 24 December 2026" in text
    assert "(child's initials: A.B.)" in text
    assert "ordinary email" in text


def test_acknowledgement_without_screening_or_initials(renderer: TemplateRenderer) -> None:
    ctx = {
        **CONTEXTS["sin_acknowledgement"],
        "case": {"ref": "TSCP-2026-0008", "initials": ""},
        "screening": None,
        "deadlines": [],
    }
    out = renderer.render("sin_acknowledgement", ctx)
    assert "will confirm the date of the panel" in out.text
    assert "initials" not in out.text and "initials" not in out.html
    assert "None" not in out.text


def test_acknowledgement_of_a_sin_opened_after_its_panel_was_due_gives_no_day_gone_by(
    renderer: TemplateRenderer,
) -> None:
    """Opened on Wednesday 30 December from a SIN that arrived on Thursday 24: the panel's 2
    working days ended on Tuesday 29, so the booking is late, but no free slot was missed."""
    passed = [{**DEADLINES[0], "when": "passed"}, {**DEADLINES[1], "when": "today"}]
    ctx = {
        **CONTEXTS["sin_acknowledgement"],
        "screening": {**CONTEXTS["sin_acknowledgement"]["screening"], "late": True},
        "screening_overdue": date(2026, 12, 29),
        "deadlines": passed,
    }
    out = renderer.render("sin_acknowledgement", ctx)
    for text in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert (
            "Those 2 working days ended on Tuesday 29 December 2026, before your notification "
            "was opened as a case here. We are sorry for the delay"
        ) in text
        assert "no earlier time was free" not in text
        assert "Screening Panel meets (this date has passed)" in text
        assert "Local authority notifies the National Panel (today)" in text
    invitation = renderer.render("screening_invitation", {**CONTEXTS["screening_invitation"],
                                                          "deadlines": passed})  # fmt: skip
    assert "Screening Panel meets (this date has passed)" in invitation.text
    assert "Screening Panel meets (this date has passed)" in invitation.html


def test_screening_invitation_keeps_the_voting_hint_lines(renderer: TemplateRenderer) -> None:
    out = renderer.render("screening_invitation", CONTEXTS["screening_invitation"])
    assert "Reply to this email with one line:\nDECISION: RAPID REVIEW" in out.text
    assert "Reply to this email with one line:<br>\nDECISION: RAPID REVIEW" in out.html


def test_digest_text_uses_aligned_columns(renderer: TemplateRenderer) -> None:
    text = renderer.render("daily_digest", CONTEXTS["daily_digest"]).text
    # Changed for issue 13: overdue deadlines lead, in words, under "Act now".
    assert "  TSCP-2026-0005  OVERDUE by 3 working days (was due Mon 23 Nov 2026)\n" in text
    assert "  TSCP-2026-0007  Wed 25 Nov 2026 09:05  Serious incident notification" in text
    assert "Minutes <draft> & actions" in text  # plain text is never HTML-escaped


def test_digest_says_when_the_panel_was_told_a_rapid_review_is_late(
    renderer: TemplateRenderer,
) -> None:
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    told = (
        "Delay notified to the National Panel on Fri 20 Nov 2026: now expected by Fri 18 Dec 2026."
    )
    assert f"notification to the National Panel.\n      {told}\n" in out.text
    assert told in out.html
    assert out.text.count("Delay notified") == 1  # only the row whose delay was notified


def test_digest_counts_a_weekend_and_a_closure_apart_at_a_glance(
    renderer: TemplateRenderer,
) -> None:
    """One clock due while the council is closed, two due at the weekend: "At a glance" says
    each as its lines do, never calling a Saturday a closure."""
    row = CONTEXTS["daily_digest"]["upcoming"][0]
    acted = [
        {**row, "while_closed": CLOSED_NOTE, "closed_by": "council closed"},
        {**row, "while_closed": "due Sat 28 Nov 2026, at the weekend", "closed_by": "weekend"},
        {**row, "while_closed": "due Sun 29 Nov 2026, at the weekend", "closed_by": "weekend"},
    ]
    out = renderer.render("daily_digest", {**CONTEXTS["daily_digest"], "upcoming": acted})
    assert "  Due while closed          1  <- act today\n" in out.text
    assert "  Due at the weekend        2  <- act today\n" in out.text
    assert "Due while closed: act today</th>" in out.html
    assert "Due at the weekend: act today</th>" in out.html


def test_digest_shows_what_people_wrote_on_their_cases(renderer: TemplateRenderer) -> None:
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    assert "NEW ON YOUR CASES" in out.text and "New on your cases" in out.html
    assert "Robin Invented <robin.invented@example.net>" in out.text
    assert "      | The child has deteriorated overnight." in out.text
    assert "Please call me &lt;urgently&gt;." in out.html
    assert "not known" not in out.text  # it came at 16:40, as shown


def test_digest_says_when_a_time_on_a_case_is_only_when_the_bot_read_it(
    renderer: TemplateRenderer,
) -> None:
    # The mailbox gave no arrival time (or the news was kept before release 0034).
    [news] = CONTEXTS["daily_digest"]["new_on_cases"]
    out = renderer.render("daily_digest", {**CONTEXTS["daily_digest"], "new_on_cases": [
        {**news, "arrived": False}
    ]})  # fmt: skip
    said = "(the time the bot read it: when it reached the mailbox is not known)"
    assert f"      Greater Manchester Police\n      {said}\n" in out.text
    assert "read then: arrival not known" in out.html


def test_refusal_to_an_unknown_sender_names_nothing_about_the_case(
    renderer: TemplateRenderer,
) -> None:
    out = renderer.render("command_refused_to_sender", CONTEXTS["command_refused_to_sender"])
    assert "NOT carried out: not from a configured address for that role." in out.text
    assert "TSCP-" not in out.text + out.subject and "initials" not in out.text


def test_commands_for_no_one_case_say_nothing_was_done_and_how_to_name_it(
    renderer: TemplateRenderer,
) -> None:
    out = renderer.render("command_no_case", CONTEXTS["command_no_case"])
    text = " ".join(out.text.split())
    assert text.startswith("Dear colleague, Nothing was done.")
    assert "  > Agencies: gmp\n  > Return by: 24/12/2026\n" in out.text  # each line quoted
    assert "reply to the case's own email" in text and "reference in its subject" in text
    assert 'tscp-bot command TSCP-YYYY-NNNN "Close: duplicate"' in text
    # A reply quoting this email must name no case: no real-looking reference in it.
    assert "TSCP-2" not in out.text + out.html + out.subject
    assert "<code>Agencies: gmp<br>Return by: 24/12/2026</code>" in out.html


def test_digest_html_is_escaped(renderer: TemplateRenderer) -> None:
    html = renderer.render("daily_digest", CONTEXTS["daily_digest"]).html
    assert "Minutes &lt;draft&gt; &amp; actions" in html
    assert "<table" in html


def test_digest_health_shows_bot_problems_and_when_it_was_not_running(
    renderer: TemplateRenderer,
) -> None:
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    assert "WARNING: the bot has problems." in out.text
    assert "Since Thu 26 Nov 2026 05:40: the reminders job keeps failing" in out.text
    assert "Bot not running:        from Wed 25 Nov 2026 01:10 to Wed 25 Nov 2026 06:30" in (
        out.text
    )
    assert "From Wed 25 Nov 2026 01:10 to Wed 25 Nov 2026 06:30" in out.html
    empty = renderer.render("daily_digest", EMPTY_DIGEST)
    assert "Bot problems:           None." in empty.text and "not running" not in empty.text


def test_an_outbox_alert_names_its_time_once_in_london(renderer: TemplateRenderer) -> None:
    # 23:30 UTC on Wednesday is 00:30 BST on Thursday: the alert must not name both days.
    oldest = datetime(2027, 6, 16, 23, 30, tzinfo=UTC)
    limits = Thresholds(timedelta(minutes=30), timedelta(hours=1), 3)
    snapshot = Snapshot(oldest + timedelta(hours=2), (), limits, oldest, outbox_pending=3)
    (problem,) = problems(snapshot)
    context = {**CONTEXTS["system_alert"], "problem": problem}
    text = renderer.render("system_alert", context).text
    assert "emails are waiting to be sent: 3 emails, the oldest waiting over 1 hour." in text
    assert "Since:     Thursday 17 June 2027, 00:30" in text
    assert "2027-06-16" not in text and "23:30" not in text and "UTC" not in text


def test_system_alert_says_what_failed_and_what_to_do(renderer: TemplateRenderer) -> None:
    out = renderer.render("system_alert", CONTEXTS["system_alert"])
    assert "the mailbox job keeps failing: 3 failed runs" in out.text
    assert "New mail to the partnership mailbox is not being read" in out.text
    assert "tscp-bot status" in out.text and "tscp-bot status" in out.html
    outbox = {
        **CONTEXTS["system_alert"],
        "problem": {**CONTEXTS["system_alert"]["problem"], "kind": "outbox", "job": "outbox"},
    }
    assert renderer.render("system_alert", outbox).subject == (
        "TSCP bot needs attention: emails are not going out"
    )
    token = {
        **CONTEXTS["system_alert"],
        "problem": {
            **CONTEXTS["system_alert"]["problem"],
            "kind": "token",
            "job": "Microsoft 365 sign-in",
            "sentence": "the bot cannot get a Microsoft 365 token: AADSTS7000222; the client "
            "secret may have expired: renew it in Entra ID and update the TSCP_ENTRA_SECRET "
            "environment variable",
        },
    }
    out = renderer.render("system_alert", token)
    assert out.subject == "TSCP bot needs attention: it cannot sign in to Microsoft 365"
    assert "update the TSCP_ENTRA_SECRET" in out.text.replace("\n", " ")
    assert "cannot read the partnership mailbox" in out.text
    assert "cannot read the partnership mailbox" in out.html


def test_a_broken_reading_process_alert_says_mail_is_still_read_and_to_run_doctor(
    renderer: TemplateRenderer,
) -> None:
    [problem] = reading_trouble(
        "it cannot be started (OSError: out of memory)",
        datetime(2026, 11, 26, 7, 2, tzinfo=UTC),
        datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        timedelta(minutes=30),
    )
    context = {
        **CONTEXTS["system_alert"],
        "problem": {
            "kind": problem.kind, "job": problem.job, "sentence": problem.sentence,
            "since": problem.since,
        },
    }  # fmt: skip
    out = renderer.render("system_alert", context)
    assert out.subject == "TSCP bot needs attention: its reading process does not work"
    for said in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert "the reading process does not work (it cannot be started (OSError" in said
        assert "without the time and memory limits" in said and "tscp-bot doctor" in said
        assert "Mail is still read, acknowledged and processed as usual" in said
        assert "nothing to do by hand" in said and "check the mailbox by hand" not in said
    over = {
        **context,
        "ended": {"sentence": ended_sentence(problem.kind, problem.job), "at": problem.since},
        "waited": {"stored": 0, "outbox": 0},
    }
    back = renderer.render("system_recovered", over)
    assert back.subject == "TSCP bot working again: the reading process works again"


def test_a_database_outage_is_one_alert_for_every_job_and_one_working_again(
    renderer: TemplateRenderer,
) -> None:
    since = datetime(2026, 11, 26, 7, 2, tzinfo=UTC)
    limits = Thresholds(timedelta(0), timedelta(hours=1), 3)
    error = "database trouble (the connection was lost or refused): OperationalError: refused"
    jobs = tuple(
        JobState(name, timedelta(seconds=60), failures=2, failing_since=since, last_error=error)
        for name in ("mailbox", "outbox")
    )
    (problem,) = problems(Snapshot(since, jobs, limits))
    context = {
        **CONTEXTS["system_alert"],
        "problem": {
            "kind": problem.kind, "job": problem.job, "sentence": problem.sentence,
            "since": problem.since,
        },
    }  # fmt: skip
    out = renderer.render("system_alert", context)
    assert out.subject == "TSCP bot needs attention: it cannot use its database"
    said = " ".join(out.text.split())
    assert "OperationalError: refused; jobs stopped: mailbox, outbox." in said
    assert "one email for the whole outage" in said and "reads no mail and sends none" in said
    assert "one email for the whole outage" in " ".join(out.html.split())
    over = {
        **context,
        "ended": {"sentence": ended_sentence(problem.kind, problem.job), "at": since},
        "waited": {"stored": 0, "outbox": 3},
    }
    back = renderer.render("system_recovered", over)
    assert back.subject == "TSCP bot working again: the database answers again"
    said = " ".join(back.text.split())
    assert "3 emails were held in the outbox: they are being sent now" in said
    assert "No message was left stored and unprocessed." in said


def test_empty_digest_says_none(renderer: TemplateRenderer) -> None:
    out = renderer.render("daily_digest", EMPTY_DIGEST)
    assert out.text.count("None.") >= 14
    assert out.html.count("<p>None.</p>") == 14
    assert "Not available." not in out.text
    assert "IMAP login failed" in out.text and "IMAP login failed" in out.html
    assert "never" in out.text


# Emails that leave the partnership: they may carry the case reference and the child's
# initials, nothing else about the child.
OUTSIDE_BODY_EVENTS = (
    "appendix_b_request",
    "appendix_b_receipt",
    "panel_delay_notice",
    "reviewer_notice",
    "publication_notice",
    "publication_delay_notice",
    "complaint_acknowledgement",
)


@pytest.mark.parametrize("event", OUTSIDE_BODY_EVENTS)
def test_outside_body_emails_never_print_other_child_details(
    renderer: TemplateRenderer, event: str
) -> None:
    ctx = {
        **CONTEXTS[event],
        "child": {"name": "Zed Invented", "dob": date(2015, 3, 4), "address": "1 Zed Street"},
    }
    if "case" in ctx:
        ctx["case"] = {**ctx["case"], "name": "Zed Invented", "dob": date(2015, 3, 4)}
    out = renderer.render(event, ctx)
    for part in (out.subject, out.text, out.html):
        assert "Zed" not in part and "2015" not in part


@pytest.mark.parametrize("event", OUTSIDE_BODY_EVENTS)
def test_outside_body_emails_show_initials_only_when_known(
    renderer: TemplateRenderer, event: str
) -> None:
    ctx = CONTEXTS[event]
    out = renderer.render(event, ctx)
    if "case" in ctx:
        assert "A.B." in out.text and "A.B." in out.html
        blank = renderer.render(event, {**ctx, "case": {**ctx["case"], "initials": ""}})
        assert "initials" not in blank.text and "initials" not in blank.html


def test_screening_outcome_shows_votes_and_scrutineer_hint(renderer: TemplateRenderer) -> None:
    out = renderer.render("screening_outcome", CONTEXTS["screening_outcome"])
    assert "majority of the statutory partners (2 of 3)" in out.text
    assert "Police (Greater Manchester Police): Rapid Review, Tue 29 Dec 2026 11:02" in out.text
    assert "Agree  or  Disagree: <your reason>" in out.text
    assert "Agree  or  Disagree: &lt;your reason&gt;" in out.html
    assert "Notifiable to the National Panel: yes" in out.text
    assert "1. The Business Manager sends" in out.text


def test_screening_outcome_without_votes_or_notifiable(renderer: TemplateRenderer) -> None:
    ctx = {
        **CONTEXTS["screening_outcome"],
        "decision": {"choice": "no_further_action", "label": "No further action"},
        "decided_by": "the Business Manager, recording the panel's decision",
        "votes": [],
        "notifiable": None,
        "next_steps": [],
    }
    out = renderer.render("screening_outcome", ctx)
    assert out.subject == "[TSCP-2026-0001] Screening Panel decision: No further action"
    assert "No votes were received by email." in out.text
    assert "not yet recorded" in out.text and "Not yet recorded" in out.html
    assert (
        "Notifiable to the National Panel: no"
        in renderer.render("screening_outcome", {**ctx, "notifiable": False}).text
    )


def test_appendix_b_request_asks_for_a_secure_reply(renderer: TemplateRenderer) -> None:
    out = renderer.render("appendix_b_request", CONTEXTS["appendix_b_request"])
    assert "1 June 2025 to 22 December 2026" in out.text
    assert "by Tuesday 12 January 2027" in out.text
    assert "secure email" in out.text and "keeping TSCP-2026-0001 in the subject" in out.text
    assert "Tameside and Glossop Integrated Care NHS Foundation Trust" in out.text


def test_a_return_s_receipt_says_when_it_came_and_what_happens_to_an_unread_one(
    renderer: TemplateRenderer,
) -> None:
    ctx = CONTEXTS["appendix_b_receipt"]
    read = renderer.render("appendix_b_receipt", ctx)
    for part in (" ".join(read.text.split()), " ".join(read.html.split())):
        assert "We received it at 15:40 on Monday 11 January 2027." in part
        assert "You do not need to send it again." in part and "could not read" not in part
    unread = renderer.render("appendix_b_receipt", {**ctx, "read": False})
    for part in (" ".join(unread.text.split()), " ".join(unread.html.split())):
        assert "We could not read the attached document as an Appendix B form" in part
        assert "send it again" not in part
    unknown = renderer.render("appendix_b_receipt", {**ctx, "arrival_unknown": True})
    text = " ".join(unknown.text.split())
    assert "did not record when it arrived; we read it at 15:40" in text
    assert "We received it at" not in text


@pytest.mark.parametrize(
    ("kind", "overdue", "ending"),
    [
        ("due", 0, "due today"),
        ("before", 0, "due Tue 12 Jan 2027"),
        ("before", -2, "due Tue 12 Jan 2027"),
        ("overdue", 1, "1 working day overdue"),
        ("overdue", 4, "4 working days overdue"),
        ("closed", 0, "due Tue 12 Jan 2027 (council closed): act today"),
    ],
)
def test_reminder_subject_follows_the_step(
    renderer: TemplateRenderer, kind: str, overdue: int, ending: str
) -> None:
    # "closed": due while the council is closed (bot.core.closed_ahead), chased the day before.
    closed = CLOSED_NOTE if kind == "closed" else None
    ctx = {
        **CONTEXTS["deadline_reminder"],
        "step": {
            "label": "Appendix B return",
            "kind": "before" if closed else kind,
            "working_days_overdue": overdue,
            "while_closed": closed,
            "closed_by": "council closed" if closed else None,
        },
    }
    out = renderer.render("deadline_reminder", ctx)
    assert out.subject == f"[TSCP-2026-0001] Reminder: Appendix B return {ending}"
    assert ("not yet due" in out.text) == (kind == "before")
    assert (f"Status:  {CLOSED_NOTE}" in out.text) == bool(closed)


CLOSED_NOTE = (
    "due Tue 12 Jan 2027, while the council is closed (Sat 9 Jan 2027 to Tue 12 Jan 2027): "
    "act today"
)


def test_reminder_to_business_manager_is_addressed_by_name(renderer: TemplateRenderer) -> None:
    ctx = {**CONTEXTS["deadline_reminder"], "recipient_role": "business_manager"}
    out = renderer.render("deadline_reminder", ctx)
    assert out.text.lstrip().startswith("Dear Pat Example,")
    assert "Return the completed Appendix B form" in out.text


def test_triage_alert_says_what_was_done_when_the_bot_acted_on_part_of_the_email(
    renderer: TemplateRenderer,
) -> None:
    not_acted = renderer.render("triage_alert", CONTEXTS["triage_alert"])
    for text in (not_acted.text, not_acted.html):
        assert "the bot has not acted" in " ".join(text.split())
    rest = "Form 2.docx was not read. If it is another incident, forward it on its own."
    for opened, done in (
        (True, "It opened case TSCP-2026-0002 from Form 1.docx, the first form"),
        (False, "It read Form 1.docx, the first form, into case TSCP-2026-0002"),
    ):
        acted = {"form": "Form 1.docx", "opened": opened, "ref": "TSCP-2026-0002"}
        context = {**CONTEXTS["triage_alert"], "acted": acted, "why": rest}
        out = renderer.render("triage_alert", context)
        for text in (" ".join(out.text.split()), " ".join(out.html.split())):
            assert "has not acted" not in text and "acted on the first one only" in text
            assert done in text and rest in text


def test_escalation_without_an_agency(renderer: TemplateRenderer) -> None:
    ctx = {**CONTEXTS["deadline_escalation"], "agency": None}
    out = renderer.render("deadline_escalation", ctx)
    assert "safeguarding lead, because" in out.text
    assert "2 sent" in out.text
    with_agency = renderer.render("deadline_escalation", CONTEXTS["deadline_escalation"])
    assert "safeguarding lead for Greater Manchester Police" in with_agency.text


def test_panel_delay_notice_gives_reason_and_date(renderer: TemplateRenderer) -> None:
    out = renderer.render("panel_delay_notice", CONTEXTS["panel_delay_notice"])
    assert "will not be completed within\n15 working days" in out.text
    assert "Two agencies need more time" in out.text
    assert "by Friday 29 January 2027" in out.text


def test_publication_notice_does_not_attach_the_report(renderer: TemplateRenderer) -> None:
    out = renderer.render("publication_notice", CONTEXTS["publication_notice"])
    assert "NOT ATTACHED" in out.text and "secure route" in out.text
    assert "given 12 working days before publication; at least\n7 working days are required" in (
        out.text
    )


def test_decision_not_to_publish(renderer: TemplateRenderer) -> None:
    ctx = {**CONTEXTS["publication_delay_notice"], "kind": "not_publishing", "reason": "Risk."}
    out = renderer.render("publication_delay_notice", ctx)
    assert out.subject == (
        "[TSCP-2026-0001] Decision not to publish a local child safeguarding practice review"
    )
    assert "OUR JUSTIFICATION" in out.text and "Risk." in out.text


def test_escalation_emails_name_the_linked_case(renderer: TemplateRenderer) -> None:
    ack = renderer.render("escalation_acknowledgement", CONTEXTS["escalation_acknowledgement"])
    assert "(linked to case TSCP-2026-0001)" in ack.text
    assert "Resolving\nProfessional Differences" in ack.text
    alert_ctx = {**CONTEXTS["escalation_alert"], "linked_case_ref": "TSCP-2026-0001"}
    alert = renderer.render("escalation_alert", alert_ctx)
    assert alert.subject.endswith("about case TSCP-2026-0001")
    # The sender's subject may name the child, and the Scrutineer is outside the council.
    assert "Challenge to" not in alert.text and "Challenge to" not in alert.html
    alone = renderer.render("escalation_alert", CONTEXTS["escalation_alert"])
    assert "Not linked to a case" in alone.text


def test_complaint_acknowledgement_gives_ombudsman_details(renderer: TemplateRenderer) -> None:
    out = renderer.render("complaint_acknowledgement", CONTEXTS["complaint_acknowledgement"])
    assert "by Wednesday 3 February 2027" in out.text
    assert "Local Government and Social Care Ombudsman" in out.text
    assert "0300 061 0614" in out.text and 'href="https://www.lgo.org.uk"' in out.html


def test_a_complaint_acknowledged_late_gives_no_date(renderer: TemplateRenderer) -> None:
    context = {**CONTEXTS["complaint_acknowledgement"], "reply_by": None}
    out = renderer.render("complaint_acknowledgement", context)
    for text in (out.text, out.html):
        assert "response by" not in text and "as soon as possible" in text


def test_approval_request_indents_the_draft(renderer: TemplateRenderer) -> None:
    out = renderer.render("approval_request", CONTEXTS["approval_request"])
    assert (
        "    Dear Child Safeguarding Practice Review Panel,\n\n    RAPID REVIEW DELAY" in out.text
    )
    assert "Approve 17" in out.text and "tscp-bot outbox approve 17" in out.text
    assert "panel@example.net" in out.text


def test_a_restated_draft_asks_again_and_says_why(renderer: TemplateRenderer) -> None:
    why = "it was written on Tue 1 Jun 2027; on Mon 28 Jun 2027 it gives 3 working days"
    out = renderer.render("approval_request", {**CONTEXTS["approval_request"], "restated": why})
    assert out.subject.startswith("Written again: approval needed (draft 17): ")
    text, html = " ".join(out.text.split()), " ".join(out.html.split())
    assert (
        "An email you approved was not sent, because its words were no longer true on the day "
        f"you approved it: {why}."
    ) in text
    assert "until you approve these new words" in text and why in html
    assert "waiting for your approval" not in text


def test_rejected_commands_without_a_case(renderer: TemplateRenderer) -> None:
    ctx = {**CONTEXTS["command_rejected"], "case_ref": None}
    out = renderer.render("command_rejected", ctx)
    assert out.subject == "Commands not carried out: email from someone@unknown.example.net"
    assert "NOT carried out" in out.text and "    CLOSE CASE" in out.text


def test_command_result_lists_what_was_not_understood(renderer: TemplateRenderer) -> None:
    out = renderer.render("command_result", CONTEXTS["command_result"])
    assert "> DECISION: RAPID REVIEW\n    Your vote for a Rapid Review." in out.text
    assert "NOT CARRIED OUT" in out.text and "DESICION: maybe" in out.text
    clean = renderer.render("command_result", {**CONTEXTS["command_result"], "errors": []})
    assert clean.subject == "[TSCP-2026-0001] Your commands: 1 recorded"
    assert "NOT CARRIED OUT" not in clean.text and "Not carried out" not in clean.html


def test_command_result_quotes_every_line_of_a_command_given_over_several(
    renderer: TemplateRenderer,
) -> None:
    # `Agencies:` takes its Review period and Return by lines with it: each is her own line,
    # quoted as such, not run on into the bot's answer below it.
    given = "Agencies: gmp, icb\nReview period: 1 June 2026 to 15 December 2026"
    result = {"line": given, "outcome": "Appendix B requested from 2 agencies"}
    ctx = {**CONTEXTS["command_result"], "results": [result], "errors": []}
    out = renderer.render("command_result", ctx)
    assert (
        "  > Agencies: gmp, icb\n  > Review period: 1 June 2026 to 15 December 2026\n"
        "    Appendix B requested from 2 agencies"
    ) in out.text


def test_digest_shows_the_new_sections(renderer: TemplateRenderer) -> None:
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    assert "  Awaiting your approval    1" in out.text
    assert "  Appendix B returns        1 (1 overdue)" in out.text
    assert "  TSCP-2026-0005  Mon 23 Nov 2026  OVERDUE    Greater Manchester Police" in out.text
    assert "Scrutineer disagrees" in out.text and "Share the learning brief" in out.text
    assert "TSCP-CMP-2026-0003" in out.text and "TSCP-CMP-2026-0003" in out.html
    assert "Not available." not in out.text


def test_digest_without_a_section_fails_loudly(renderer: TemplateRenderer) -> None:
    """The code always passes every section; a missing one is a bug, never a silent gap."""
    ctx = {k: v for k, v in EMPTY_DIGEST.items() if k != "returns"}
    with pytest.raises(TemplateError, match="returns"):
        renderer.render("daily_digest", ctx)
    out = renderer.render("daily_digest", EMPTY_DIGEST)
    assert out.html.count("<p>None.</p>") == 14


def test_filters_use_english_names_and_uk_time(renderer: TemplateRenderer) -> None:
    assert renderer.longdate(date(2026, 12, 29)) == "Tuesday 29 December 2026"
    assert renderer.shortdate(date(2026, 12, 29)) == "Tue 29 Dec 2026"
    assert renderer.time(datetime(2026, 12, 29, 10, 0)) == "10:00"
    # 09:30 UTC in July is 10:30 in London (BST); just before midnight UTC is the next day.
    assert renderer.time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "10:30"
    assert renderer.shortdate(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "Thu 2 Jul 2026"


def _write(root: Path, event: str, **parts: str) -> None:
    (root / event).mkdir(parents=True)
    for name, body in parts.items():
        (root / event / name.replace("_", ".")).write_text(body)


def test_missing_event_names_the_event(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="'nope'"):
        TemplateRenderer(tmp_path).render("nope", {})


def test_missing_part_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="Hello", body_txt="Body")
    with pytest.raises(TemplateError, match=r"'ev'.*ev/body\.html"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_an_email_is_rendered_without_looking_for_its_folder_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its folder is looked for only when a part is missing, to say which: before, every part
    # of every email the bot wrote cost a file system call that said nothing new.
    _write(tmp_path, "ev", subject_txt="Hello", body_txt="Body", body_html="<p>Body</p>")
    renderer = TemplateRenderer(tmp_path)
    looked: list[Path] = []
    real = Path.is_dir

    def is_dir(path: Path) -> bool:
        looked.append(path)
        return real(path)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    rendered = renderer.render("ev", {})
    assert (rendered.subject, rendered.text) == ("Hello", "Body")
    assert tmp_path / "ev" not in looked
    with pytest.raises(TemplateError, match="no templates for event 'nope'"):
        renderer.render("nope", {})


def test_undefined_variable_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="{{ case.ref }}", body_txt="x", body_html="x")
    with pytest.raises(TemplateError, match=r"ev/subject\.txt"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_subject_is_collapsed_to_one_line(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="  A   {{ x }}\t b \n", body_txt="x", body_html="x")
    assert TemplateRenderer(tmp_path).render("ev", {"x": "y"}).subject == "A y b"


def test_multi_line_subject_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="A\nB", body_txt="x", body_html="x")
    with pytest.raises(TemplateError, match="more than one line"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_events_skips_shared_folders(tmp_path: Path) -> None:
    _write(tmp_path, "b_event", subject_txt="s")
    _write(tmp_path, "a_event", subject_txt="s")
    (tmp_path / "_partials").mkdir()
    (tmp_path / "_base.html").write_text("")
    assert TemplateRenderer(tmp_path).events() == ["a_event", "b_event"]
    assert TemplateRenderer(tmp_path / "missing").events() == []


def test_acknowledgement_asks_for_what_the_form_lacked(renderer: TemplateRenderer) -> None:
    rendered = renderer.render("sin_acknowledgement", CONTEXTS["sin_acknowledgement"])
    for part in (rendered.text, rendered.html):
        assert "date the local authority became aware" in part and "child 2: date of birth" in part
    complete = {**CONTEXTS["sin_acknowledgement"], "missing": []}
    assert "could not read" not in renderer.render("sin_acknowledgement", complete).text


def test_digest_puts_what_must_be_acted_on_first_in_both_parts(
    renderer: TemplateRenderer,
) -> None:
    """Issue 13: overdue and due-today deadlines lead, said in words (not colour alone), and
    the plain text has the same sections in the same order as the HTML."""
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    html_sections = [
        re.sub(r"<[^>]+>", "", h).strip().lower()
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", out.html)
    ]
    text_sections = [
        line.strip().lower()
        for line in out.text.splitlines()
        if re.fullmatch(r"[A-Z][A-Z0-9 :]+", line)
    ]
    assert html_sections[0] == "act now: deadlines overdue or due today"
    assert html_sections[1] == "due within 5 working days"
    assert text_sections[1:] == html_sections  # the text's first heading is "at a glance"
    act_now = out.text.split("ACT NOW")[1].split("DUE WITHIN")[0]
    assert "TSCP-2026-0005  OVERDUE by 3 working days" in act_now
    assert "TSCP-2026-0008  DUE TODAY (Thu 26 Nov 2026)" in act_now
    # The deadline due today is not repeated among the later ones.
    assert "TSCP-2026-0008" not in out.text.split("DUE WITHIN")[1]
    assert 'style="color: #b00020; font-weight: bold;">OVERDUE by 3 working days' in out.html
    assert ">DUE TODAY<" in out.html


def test_digest_subject_counts_what_is_due(renderer: TemplateRenderer) -> None:
    calm = {**EMPTY_DIGEST, "working_days": 1}
    assert renderer.render("daily_digest", calm).subject == (
        "TSCP digest: 0 overdue, 0 due within 1 working day (Thu 26 Nov 2026)"
    )


def test_digest_names_people_and_emails_in_plain_english(renderer: TemplateRenderer) -> None:
    out = renderer.render("daily_digest", CONTEXTS["daily_digest"])
    triage = out.text.split("MESSAGES TO TRIAGE")[1].split("QUARANTINED")[0]
    assert (
        "from sam.invented@tameside.example.net\n      Tameside Metropolitan Borough Council"
        in (triage)
    )
    assert "#17      Rapid Review delay notice to the National Panel" in out.text
    assert "panel_delay_notice" not in out.text + out.html


def test_the_monthly_report_says_what_period_it_covers_and_shows_its_charts(
    renderer: TemplateRenderer,
) -> None:
    out = renderer.render("timeliness_report", CONTEXTS["timeliness_report"])
    covers = "This report covers Sunday 1 November 2026 to Monday 30 November 2026"
    assert covers in out.text and covers.replace("covers ", "covers <strong>") in out.html
    assert "first working day of each month" in out.text
    assert '<img class="chart" src="cid:on-time-by-quarter@tscp-bot"' in out.html
    assert 'alt="Bar chart: the share of deadlines met on time."' in out.html
    # Every measure with its rate, and nothing due said in words, not as 0% or 100%.
    assert "Rapid Review sent within 15 working days" in out.text
    assert "1 of 2 on time: 50%; 1 late" in out.text
    assert "TSCP-2026-" in out.text  # the late cases, by reference


def test_a_year_report_lists_its_quarters_and_says_when_nothing_fell_due(
    renderer: TemplateRenderer,
) -> None:
    from tests.fixtures.timeliness_year import invented_year

    ctx = {"partnership": PARTNERSHIP, "business_manager": BUSINESS_MANAGER}
    out = renderer.render("timeliness_report", {**ctx, **report_context(invented_year(), [])})
    assert out.subject == "TSCP timeliness report: 1 April 2026 to 31 March 2027"
    assert "first working day of each month" not in out.text
    assert "Jan to Mar 2027: 6 SIN forms received" in out.text
    assert "Practice review published within 6 months: none due" in out.text
    assert "Pennine Care NHS Foundation Trust\n      no deadlines fell due" in out.text
    assert '<span class="none">no deadlines fell due</span>' in out.html
    assert "0%" not in out.text.split("Pennine Care")[1].split("\n\n")[0]
    assert "not over" not in out.text


def test_a_late_appendix_b_return_is_named_by_its_deadline_not_its_measure(
    renderer: TemplateRenderer,
) -> None:
    from tests.fixtures.timeliness_year import invented_year

    ctx = {"partnership": PARTNERSHIP, "business_manager": BUSINESS_MANAGER}
    out = renderer.render("timeliness_report", {**ctx, **report_context(invented_year(), [])})
    late = out.text.split("\nLATE ", 1)[1]
    assert "late: Appendix B return (Greater Manchester Police)" in late
    assert "Appendix B returned on time" not in late
    assert "<td>Appendix B return<br>" in out.html and "<td>Appendix B returned" not in out.html


def test_a_report_whose_period_is_not_over_says_what_day_its_figures_stand_at(
    renderer: TemplateRenderer,
) -> None:
    from dataclasses import replace

    from tests.fixtures.timeliness_year import invented_year

    report = replace(invented_year(), as_of=date(2027, 2, 10))
    ctx = {"partnership": PARTNERSHIP, "business_manager": BUSINESS_MANAGER}
    out = renderer.render("timeliness_report", {**ctx, **report_context(report, [])})
    assert "the figures stand at Wednesday 10 February 2027" in out.text
    assert "the figures stand at Wednesday 10 February 2027" in out.html
    assert "still not done on\nWed 10 Feb 2027" in out.text


def test_cspr_decision_gives_the_reports_due_date_or_the_reason_for_none(
    renderer: TemplateRenderer,
) -> None:
    held = renderer.render("cspr_decision", CONTEXTS["cspr_decision"])
    assert "Report due:   Wednesday 7 July 2027 (6 months from the decision)" in held.text
    assert "WHY" not in held.text and "Wednesday 7 July 2027" in held.html
    ctx = {
        **CONTEXTS["cspr_decision"],
        "hold": False,
        "report_due": None,
        "rationale": "The learning is already known from a recent review.",
    }
    none = renderer.render("cspr_decision", ctx)
    assert none.subject == "[TSCP-2026-0001] CSPR decision: no local review"
    assert "WHY\n\nThe learning is already known from a recent review." in none.text
    assert "Report due" not in none.text and "Report due" not in none.html
    assert "This corrects" not in none.text


def test_a_cspr_decision_correcting_a_reason_already_sent_says_so(
    renderer: TemplateRenderer,
) -> None:
    gone = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
    ctx = {**CONTEXTS["cspr_decision"], "hold": False, "rationale": "Known.", "corrects": gone}
    out = renderer.render("cspr_decision", ctx)
    for part in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert "This corrects our email of Friday 15 January 2027" in part, part


def test_a_reviewer_notice_drafted_after_the_report_was_due_promises_no_day(
    renderer: TemplateRenderer,
) -> None:
    overdue = {**CONTEXTS["reviewer_notice"], "report_overdue": True}
    out = renderer.render("reviewer_notice", overdue)
    for part in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert "We expect" not in part
        assert "It has not yet been published; we will tell you when it will be." in part


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_a_reply_to_any_of_our_emails_on_a_case_never_reads_as_a_new_sin(
    renderer: TemplateRenderer, event: str
) -> None:
    """A referrer's "Thank you" to the outcome of their notification, on a closed case, would
    otherwise alert the Business Manager that a new SIN's clock is running."""
    subject = renderer.render(event, CONTEXTS[event]).subject
    reply = MailMessage(
        message_id="thanks@gmp.police.uk",
        subject=f"RE: {subject}",
        from_addr="dana.whitlow@gmp.police.uk",
        from_name="",
        text="Thank you for letting us know.",
        headers={},
        attachments=(),
        to=("tscp@tameside.gov.uk",),
    )
    context = ClassifyContext("TSCP", frozenset({"tscp@tameside.gov.uk"}), AGENCIES, REF)
    result = classify(reply, load_rules(packaged("rules")), context)
    assert result.kind is Kind.CASE_REPLY
    assert not result.reads_as_sin


AGENCIES = frozenset({"gmp.police.uk", "nhs.net"})
REF = "TSCP-2026-0001"


def test_the_bot_s_own_examples_give_every_email_the_fields_given_here() -> None:
    """`run` and `doctor` render a templates folder with bot/defaults/template_examples/ (the
    check that finds a field the bot does not give): those must name the same fields."""
    from bot.adapters.template_examples import example_problems, load_example

    examples = packaged("template_examples")
    assert sorted(p.stem for p in examples.glob("*.json")) == sorted(CONTEXTS)
    for event, context in CONTEXTS.items():
        assert sorted(load_example(examples / f"{event}.json")) == sorted(context), event
    assert example_problems(TemplateRenderer(TEMPLATES), examples) == []


@pytest.mark.parametrize("unsent", [True, False])
def test_votes_missing_text_keeps_its_paragraphs_apart(
    renderer: TemplateRenderer, unsent: bool
) -> None:
    text = renderer.render("votes_missing", {**CONTEXTS["votes_missing"], "unsent": unsent}).text
    assert "no decision is recorded.\n\n" in text
    assert "\n\nNOT VOTED YET\n\n" in text


def test_not_delivered_notice_says_what_to_do_and_a_statutory_notification_not_made(
    renderer: TemplateRenderer,
) -> None:
    statutory = renderer.render("not_delivered_notice", CONTEXTS["not_delivered_notice"])
    for text in (" ".join(statutory.text.split()), " ".join(statutory.html.split())):
        assert "THE STATUTORY NOTIFICATION HAS NOT BEEN MADE" in text
        assert "tscp-bot outbox retry 12" in text and "triage done" not in text
    bounced = {
        **CONTEXTS["not_delivered_notice"],
        "case": {"ref": ""},
        "email": {"id": 7, "what": "Complaint acknowledgement", "subject": "Your complaint"},
        "failed": False,
        "report_id": 40,
        "statutory": False,
    }
    out = renderer.render("not_delivered_notice", bounced)
    assert out.subject == "TSCP Not delivered: Complaint acknowledgement #7"
    for text in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert "STATUTORY" not in text and "outbox retry" not in text
        assert "tscp-bot triage done 40" in text


def test_a_notice_of_an_email_that_may_have_been_sent_says_what_to_do(
    renderer: TemplateRenderer,
) -> None:
    statutory = renderer.render("unconfirmed_send_notice", CONTEXTS["unconfirmed_send_notice"])
    for text in (" ".join(statutory.text.split()), " ".join(statutory.html.split())):
        # Said first: before the greeting's paragraph about emails in general.
        assert text.index("THE BOT CANNOT CONFIRM THE STATUTORY NOTIFICATION WAS MADE") < (
            text.index("cannot tell whether an email went")
        )
        assert "began Wed 23 Dec 2026 at 09:05" in text
        assert "Sent Items" in text and "tscp-bot outbox retry 12" in text
        assert "counts as not made" in text
    acknowledged = {
        **CONTEXTS["unconfirmed_send_notice"],
        "case": {"ref": ""},
        "email": {"id": 7, "what": "Complaint acknowledgement", "subject": "Your complaint"},
        "recipients": ["sam.sample@example.net"],
        "started": datetime(2027, 6, 1, 16, 40, tzinfo=UTC),
        "statutory": False,
    }
    out = renderer.render("unconfirmed_send_notice", acknowledged)
    assert out.subject == "TSCP May have been sent: Complaint acknowledgement #7"
    for text in (" ".join(out.text.split()), " ".join(out.html.split())):
        assert "STATUTORY" not in text and "not made" not in text
        assert "began Tue 1 Jun 2027 at 17:40" in text  # in UK time: BST
        assert "tscp-bot outbox retry 7" in text and "Case" not in text
