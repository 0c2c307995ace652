from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

import pytest

from bot.core.message import AttachmentInfo, MailMessage
from bot.core.rule_parsing import parse_rule
from bot.core.rules import ClassifyContext, Kind, Rule, RuleError, classify

CTX = ClassifyContext(
    reference_prefix="TSCP",
    own_addresses=frozenset({"tscp@tameside.gov.uk"}),
    agency_domains=frozenset({"gmp.police.uk", "NHS.net", "tameside.sch.uk"}),
)


def _msg(
    subject: str = "",
    text: str = "",
    from_addr: str = "dana.whitlow@gmp.police.uk",
    headers: Mapping[str, str] | None = None,
    attachments: tuple[AttachmentInfo, ...] = (),
) -> MailMessage:
    return MailMessage(
        message_id="m@x",
        subject=subject,
        from_addr=from_addr,
        from_name="",
        text=text,
        headers=headers or {},
        attachments=attachments,
        to=("tscp@tameside.gov.uk",),
    )


def _rule(name: str, kind: str, **groups: object) -> Rule:
    data = {"name": name, "kind": kind, "description": f"{name} rule", **groups}
    return parse_rule(data, "t.toml")


def _subject(pattern: str) -> dict[str, object]:
    return {"field": "subject", "op": "matches", "value": pattern}


SIN = _rule("sin", "sin", any=[_subject(r"\bSIN\b")], none=[{"field": "has_case_ref"}])
COMPLAINT = _rule("complaint", "complaint", any=[_subject("complaint")])
ESCALATION = _rule("escalation", "escalation", any=[_subject("escalat")])
VETO = parse_rule(
    {
        "name": "veto",
        "action": "veto",
        "description": "a training circular",
        "any": [_subject("training")],
    },
    "v.toml",
)
RULES = [SIN, COMPLAINT, ESCALATION, VETO]


def test_single_hit_decides_the_kind_and_records_hits_and_misses() -> None:
    result = classify(_msg("GM SIN form"), RULES, CTX)
    assert result.kind is Kind.SIN
    assert result.rule == "sin"
    assert result.hits == ("sin",)
    assert result.misses == ("complaint", "escalation", "veto")
    assert result.reasons == ("sin: sin rule",)


def test_veto_forces_unclassified_with_its_description() -> None:
    result = classify(_msg("SIN training dates"), RULES, CTX)
    assert result.kind is Kind.UNCLASSIFIED
    assert result.rule == "veto"
    assert "a training circular" in result.reasons[0]
    assert result.hits == ("sin", "veto")


def test_disagreeing_rules_give_unclassified_naming_both_kinds() -> None:
    result = classify(_msg("complaint and escalation"), RULES, CTX)
    assert result.kind is Kind.UNCLASSIFIED
    assert result.rule is None
    assert "complaint" in result.reasons[0] and "escalation" in result.reasons[0]


def test_agreeing_rules_keep_the_kind() -> None:
    body = {"field": "body", "op": "contains", "value": "notification"}
    second = _rule("sin2", "sin", any=[body])
    result = classify(_msg("SIN", "Notification form"), [SIN, second], CTX)
    assert result.kind is Kind.SIN and result.hits == ("sin", "sin2")


def test_no_hit_with_subject_tag_is_case_reply() -> None:
    result = classify(_msg("RE: [TSCP-2026-0007] SIN"), RULES, CTX)
    assert result.kind is Kind.CASE_REPLY
    assert result.case_ref == "TSCP-2026-0007"


def test_no_hit_in_a_known_thread_is_case_reply() -> None:
    ctx = ClassifyContext("TSCP", CTX.own_addresses, CTX.agency_domains, "TSCP-2026-0011")
    result = classify(_msg("RE: meeting"), RULES, ctx)
    assert result.kind is Kind.CASE_REPLY and result.case_ref == "TSCP-2026-0011"


def test_a_reply_on_a_case_that_a_sin_rule_would_take_reads_as_a_sin() -> None:
    # The SIN rule's signal ("SIN" in the subject) is there; only its being on a case stopped it.
    assert classify(_msg("RE: [TSCP-2026-0007] SIN"), RULES, CTX).reads_as_sin
    assert not classify(_msg("RE: [TSCP-2026-0007] Screening Panel"), RULES, CTX).reads_as_sin
    # Not a SIN by another condition (a sender who is no agency): not one on a case either.
    other = _msg("RE: [TSCP-2026-0007] SIN", from_addr="pat@example.org")
    assert not classify(other, [_agency_sin()], CTX).reads_as_sin


def _agency_sin() -> Rule:
    return _rule(
        "sin",
        "sin",
        all=[{"field": "sender_is_agency"}],
        any=[_subject(r"\bSIN\b")],
        none=[{"field": "has_case_ref_outside_body"}],
    )


def test_subject_tag_wins_over_thread_case() -> None:
    ctx = ClassifyContext("TSCP", CTX.own_addresses, CTX.agency_domains, "TSCP-2026-0011")
    assert classify(_msg("[TSCP-2026-0001] x"), RULES, ctx).case_ref == "TSCP-2026-0001"


def test_bare_ref_in_subject_is_the_last_resort() -> None:
    assert classify(_msg("about TSCP-2026-0004"), RULES, CTX).case_ref == "TSCP-2026-0004"


def test_nothing_hit_and_no_case_is_unclassified() -> None:
    result = classify(_msg("Room booking"), RULES, CTX)
    assert result.kind is Kind.UNCLASSIFIED
    assert result.case_ref is None
    assert result.reasons == ("no rule matched and no case reference",)


def test_auto_reply_is_terminal_and_keeps_the_case_ref() -> None:
    msg = _msg("Automatic reply: [TSCP-2026-0007] SIN", headers={"auto-submitted": "auto-replied"})
    result = classify(msg, RULES, CTX)
    assert result.kind is Kind.AUTO_REPLY
    assert result.case_ref == "TSCP-2026-0007"
    assert result.hits == () and result.misses == ()


def test_bounce_carrying_a_sin_is_auto_reply() -> None:
    msg = _msg("GM SIN form", from_addr="mailer-daemon@mx.example.org")
    assert classify(msg, RULES, CTX).kind is Kind.AUTO_REPLY


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("> Overdue: TSCP-2026-0001 ... TSCP-2026-0001", "TSCP-2026-0001"),
        ("Close: duplicate\n> TSCP-2026-0001 ...\n> TSCP-2026-0004 ...", None),  # the digest
    ],
)
def test_a_body_gives_the_case_only_when_it_names_one(text: str, ref: str | None) -> None:
    assert classify(_msg("RE: TSCP daily digest", text), RULES, CTX).case_ref == ref


def test_a_sin_labelled_automatic_by_the_system_that_sent_it_goes_to_a_person() -> None:
    msg = _msg("GM SIN form", headers={"auto-submitted": "auto-generated"})
    result = classify(msg, RULES, CTX)
    assert result.kind is Kind.UNCLASSIFIED  # triaged: never an out-of-office filed unread
    assert result.reasons == (
        "labelled automatic: marked as automatic mail (Auto-Submitted: auto-generated) but "
        "reads like a sin: a person decides",
    )


def test_a_request_for_no_automatic_answer_does_not_make_mail_automatic() -> None:
    msg = _msg("RE: [TSCP-2026-0001]", headers={"x-auto-response-suppress": "All"})
    assert classify(msg, RULES, CTX).kind is Kind.CASE_REPLY  # read like any reply


@pytest.mark.parametrize(
    ("condition", "msg", "expected"),
    [
        ({"field": "from_domain", "op": "equals", "value": "GMP.police.uk"}, _msg(), True),
        ({"field": "from", "op": "contains", "value": "whitlow"}, _msg(), True),
        ({"field": "to", "op": "equals", "value": "tscp@tameside.gov.uk"}, _msg(), True),
        ({"field": "header:X-Priority", "op": "exists"}, _msg(headers={"x-priority": "1"}), True),
        ({"field": "header:X-Priority", "op": "exists"}, _msg(), False),
        ({"field": "sender_is_agency"}, _msg(from_addr="a@ward.nhs.net"), True),
        ({"field": "sender_is_agency"}, _msg(from_addr="a@notnhs.net"), False),
        ({"field": "sender_is_agency", "value": False}, _msg(from_addr="a@example.com"), True),
        ({"field": "in_thread"}, _msg(), False),
        ({"field": "has_case_ref"}, _msg("[TSCP-2026-0001]"), True),
        ({"field": "has_case_ref_outside_body"}, _msg("RE: TSCP-2026-0001 update"), True),
        # Only mentioned in the words ("sibling of the child notified under ..."): not a reply's
        # address, though the message still carries the reference.
        ({"field": "has_case_ref_outside_body"}, _msg("SIN", "under TSCP-2026-0001"), False),
        ({"field": "has_case_ref"}, _msg("SIN", "under TSCP-2026-0001"), True),
        (
            {"field": "attachment_name", "op": "matches", "value": r"appendix[ _-]*b"},
            _msg(attachments=(AttachmentInfo("Appendix_B.docx", "application/msword", 3),)),
            True,
        ),
        (
            {"field": "attachment_type", "op": "contains", "value": "pdf"},
            _msg(attachments=(AttachmentInfo("x.docx", "application/msword", 3),)),
            False,
        ),
        ({"field": "body", "op": "matches", "value": "^form$"}, _msg(text="a\nFORM\nb"), True),
    ],
)
def test_condition_fields_and_operators(
    condition: dict[str, object], msg: MailMessage, expected: bool
) -> None:
    rule = _rule("r", "sin", all=[condition])
    assert (classify(msg, [rule], CTX).hits == ("r",)) is expected


def test_none_and_any_groups() -> None:
    rule = _rule(
        "r",
        "complaint",
        any=[_subject("complaint"), {"field": "body", "op": "contains", "value": "complain"}],
        none=[{"field": "sender_is_agency"}],
    )
    public, agency = "p@example.com", "a@gmp.police.uk"
    assert classify(_msg("x", "I complain", public), [rule], CTX).kind is Kind.COMPLAINT
    assert classify(_msg("x", "nothing", public), [rule], CTX).kind is Kind.UNCLASSIFIED
    assert classify(_msg("complaint", "", agency), [rule], CTX).kind is Kind.UNCLASSIFIED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "sin", "description": "d", "any": [_subject("x")]}, "t.toml: name: expected"),
        ({"name": "n", "kind": "spam", "description": "d", "any": [_subject("x")]}, "kind:"),
        ({"name": "n", "kind": "unclassified", "description": "d", "any": [_subject("x")]}, "kin"),
        ({"name": "n", "kind": "sin", "any": [_subject("x")]}, "t.toml: description:"),
        ({"name": "n", "kind": "sin", "description": "d"}, "at least one condition"),
        ({"name": "n", "kind": "sin", "description": "d", "colour": 1, "any": []}, "colour"),
        ({"name": "n", "kind": "sin", "description": "d", "action": "drop"}, "t.toml: action:"),
        ({"name": "n", "kind": "sin", "description": "d", "any": [_subject("(")]}, "bad regex"),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "any": [{"field": "colour", "op": "equals", "value": "x"}],
            },
            "any[0].field: expected one of",
        ),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "all": [{"field": "subject", "op": "like", "value": "x"}],
            },
            "all[0].op",
        ),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "all": [{"field": "subject", "op": "contains"}],
            },
            "all[0].value: expected a non-empty string",
        ),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "all": [{"field": "subject", "op": "exists", "value": "x"}],
            },
            "all[0].value",
        ),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "all": [{"field": "has_case_ref", "value": "yes"}],
            },
            "all[0].value: expected true or false",
        ),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "all": [{"field": "subject", "op": "matches", "value": "x", "flags": "i"}],
            },
            "all[0].flags",
        ),
        ({"name": "n", "kind": "sin", "description": "d", "all": {"field": "subject"}}, "all:"),
        (
            {
                "name": "n",
                "kind": "sin",
                "description": "d",
                "action": "veto",
                "any": [_subject("x")],
            },
            "for a veto rule",
        ),
    ],
)
def test_parse_rule_errors_name_file_and_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace("[", r"\[")) as err:
        parse_rule(data, "t.toml")
    assert str(err.value).startswith("t.toml: ")
    assert "\n" not in str(err.value)


def test_parse_rule_precompiles_regexes_case_insensitively() -> None:
    condition = SIN.any[0]
    assert condition.pattern is not None and condition.pattern.search("gm sin form")
    assert VETO.kind is Kind.UNCLASSIFIED and VETO.action == "veto"


@pytest.mark.parametrize(
    ("condition", "msg"),
    [
        (
            {"field": "subject", "op": "contains", "value": "serious incident notification"},
            _msg("Serious\u00a0Incident\u00a0Notification \u2013 J.B."),
        ),
        (
            {"field": "subject", "op": "matches", "value": r"notification - gm"},
            _msg("Serious Incident Notification \u2013 GM SIN form"),
        ),
        (
            {"field": "subject", "op": "matches", "value": r"'SIN' form"},
            _msg("\u2018SIN\u2019 form"),
        ),
        (
            {"field": "body", "op": "matches", "value": r"^the child's school\b"},
            _msg(text="Dear all,\nThe child\u2019s school has asked for a review."),
        ),
        (
            {"field": "attachment_name", "op": "matches", "value": r"sin - form"},
            _msg(attachments=(AttachmentInfo("SIN \u2014 form.docx", "application/msword", 3),)),
        ),
    ],
)
def test_rules_written_with_keyboard_characters_match_typography(
    condition: dict[str, object], msg: MailMessage
) -> None:
    rule = _rule("r", "sin", all=[condition])
    assert classify(msg, [rule], CTX).hits == ("r",)


def test_a_case_reference_typed_with_en_dashes_is_a_reply_not_a_new_sin() -> None:
    got = classify(_msg("RE: [TSCP\u20132026\u20130004] Revised SIN form"), RULES, CTX)
    assert (got.kind, got.case_ref) == (Kind.CASE_REPLY, "TSCP-2026-0004")


@pytest.mark.parametrize(
    ("entries", "sender", "expected"),
    [
        ({"*.sch.uk"}, "head@willowmere.tameside.sch.uk", True),
        ({"*.sch.uk"}, "someone@sch.uk", False),
        ({"oakfield.gp@nhs.net"}, "oakfield.gp@nhs.net", True),
        ({"oakfield.gp@nhs.net"}, "other.gp@nhs.net", False),
    ],
)
def test_sender_is_agency_reads_patterns_and_addresses(
    entries: set[str], sender: str, expected: bool
) -> None:
    ctx = ClassifyContext("TSCP", frozenset(), frozenset(entries))
    rule = _rule("r", "sin", all=[{"field": "sender_is_agency"}])
    assert (classify(_msg(from_addr=sender), [rule], ctx).hits == ("r",)) is expected


class _Entries(frozenset[str]):
    """Agency entries that count how often they are read through."""

    reads: list[int] = []  # noqa: RUF012 (on the class: a frozenset instance holds nothing)

    def __iter__(self) -> Iterator[str]:
        self.reads.append(1)
        return super().__iter__()


@pytest.mark.parametrize(
    ("reply_to", "reads", "writer_is_agency"),
    [
        ((), 1, True),  # its writer is its sender: looked up once, for both facts
        (("parent.someone@gmail.com",), 2, False),  # a writer of its own, looked up too
    ],
)
def test_the_writer_is_looked_up_among_agencies_only_when_not_the_sender(
    reply_to: tuple[str, ...], reads: int, writer_is_agency: bool
) -> None:
    entries = _Entries({"gmp.police.uk", "nhs.net"})
    ctx = ClassifyContext("TSCP", frozenset({"tscp@tameside.gov.uk"}), entries)
    rules = [
        _rule("sender", "sin", all=[{"field": "sender_is_agency"}]),
        _rule("writer", "complaint", all=[{"field": "writer_is_agency"}]),
    ]
    msg = replace(_msg(from_addr="dana.whitlow@gmp.police.uk"), reply_to=reply_to)
    _Entries.reads.clear()
    hits = classify(msg, rules, ctx).hits
    assert hits == (("sender", "writer") if writer_is_agency else ("sender",))
    assert len(_Entries.reads) == reads
