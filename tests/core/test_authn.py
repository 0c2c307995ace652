from __future__ import annotations

import dataclasses

import pytest

from bot.core.authn import (
    AuthMode,
    AuthPolicy,
    AuthResult,
    ExchangeOrganisation,
    SenderCheck,
    aligned,
    check_sender,
    organisational_domain,
    parse_authentication_results,
)
from bot.core.message import MailMessage

OUR_MX = "mx.tameside.gov.uk"
POLICY = AuthPolicy(trusted_authserv_ids=frozenset({OUR_MX}), mode=AuthMode.REQUIRED)
POLICE = "sam.example@gmp.police.uk"
HEALTH = "jo.example@nhs.net"
COUNCIL = "alex.example@tameside.gov.uk"
ALLOWED = frozenset({POLICE, HEALTH, COUNCIL})

# Microsoft 365 (Exchange Online): no authserv-id at all.
M365_PASS = (
    "spf=pass (sender IP is 203.0.113.25) smtp.mailfrom=gmp.police.uk; dkim=pass "
    "(signature was verified) header.d=gmp.police.uk;dmarc=pass action=none "
    "header.from=gmp.police.uk;compauth=pass reason=100"
)
GOOGLE_PASS = (
    "mx.google.com;\r\n"
    "       dkim=pass header.i=@nhs.net header.s=selector1 header.b=AbCdEf12;\r\n"
    "       spf=pass (google.com: domain of jo.example@nhs.net designates 192.0.2.10 as "
    "permitted sender) smtp.mailfrom=jo.example@nhs.net;\r\n"
    "       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=nhs.net"
)


AR = "authentication-results"


def ours(results: str) -> str:
    return f"{OUR_MX}; {results}"


def received(by: str, helo: str = "mail.sender.example") -> str:
    return (
        f"from {helo} (mail.sender.example [192.0.2.25]) by {by} (Postfix) with ESMTPS "
        "id 4QxTsc0001; Wed, 16 Dec 2026 10:45:05 +0000"
    )


OUR_RECEIVED = received(OUR_MX)


def message(
    from_addr: str,
    *headers: str,
    exchange: tuple[tuple[str, str], ...] = (),
    border: str | None = OUR_RECEIVED,
    below: tuple[tuple[str, str], ...] = (),
) -> MailMessage:
    """A message whose Authentication-Results `headers` stand above our receiving server's
    Received header (`border`; None: there is none), and `below` it the sender's own trace
    headers as (name, value)."""
    trace = (
        *((AR, h) for h in headers),
        *((("received", border),) if border is not None else ()),
        *below,
    )
    return MailMessage(
        message_id="reply@example.test",
        subject="RE: [TSCP-2026-0007] Screening",
        from_addr=from_addr,
        from_name="",
        authentication_results=tuple(v for n, v in trace if n == AR),
        exchange_auth_headers=exchange,
        trace=trace,
    )


# ---------------------------------------------------------------------------------------------
# Parsing.


def test_parse_microsoft_365_header_without_authserv_id() -> None:
    authserv_id, results = parse_authentication_results(M365_PASS)
    assert authserv_id == ""
    assert [(r.method, r.result) for r in results] == [
        ("spf", "pass"),
        ("dkim", "pass"),
        ("dmarc", "pass"),
        ("compauth", "pass"),
    ]
    assert results[1].properties == {"header.d": "gmp.police.uk"}
    assert results[2].properties == {"action": "none", "header.from": "gmp.police.uk"}
    assert results[3].properties == {"reason": "100"}


def test_parse_google_header_with_folding_and_comments() -> None:
    authserv_id, results = parse_authentication_results(GOOGLE_PASS)
    assert authserv_id == "mx.google.com"
    assert results[0] == AuthResult(
        authserv_id="mx.google.com",
        method="dkim",
        result="pass",
        properties={"header.i": "@nhs.net", "header.s": "selector1", "header.b": "AbCdEf12"},
    )
    assert results[1].properties == {"smtp.mailfrom": "jo.example@nhs.net"}
    assert (results[2].method, results[2].result) == ("dmarc", "pass")
    assert results[2].properties == {"header.from": "nhs.net"}


@pytest.mark.parametrize(
    ("value", "authserv_id", "results"),
    [
        ("mx.example.org 1; none", "mx.example.org", []),
        ("mx.example.org; none", "mx.example.org", []),
        ("MX.Example.ORG", "mx.example.org", []),
        ("", "", []),
        ("(((", "", []),
        (";;;", "", []),
        ("mx.example.org; garbage", "mx.example.org", []),
        (
            "mx.example.org; DKIM/1 = PASS (good (nested) comment) header . d = a.example",
            "mx.example.org",
            [("dkim", "pass", {"header.d": "a.example"})],
        ),
        (
            'mx.example.org; dkim=fail reason="bad; signature (really)" header.d=a.example',
            "mx.example.org",
            [("dkim", "fail", {"reason": "bad; signature (really)", "header.d": "a.example"})],
        ),
        (
            "mx.example.org; spf=none smtp.mailfrom=x@a.example; dmarc=fail header.from=a.example",
            "mx.example.org",
            [
                ("spf", "none", {"smtp.mailfrom": "x@a.example"}),
                ("dmarc", "fail", {"header.from": "a.example"}),
            ],
        ),
    ],
)
def test_parse_tolerates_the_rfc_and_the_rest(
    value: str, authserv_id: str, results: list[tuple[str, str, dict[str, str]]]
) -> None:
    found_id, found = parse_authentication_results(value)
    assert found_id == authserv_id
    assert [(r.method, r.result, dict(r.properties)) for r in found] == results


# ---------------------------------------------------------------------------------------------
# Alignment.


@pytest.mark.parametrize(
    ("domain", "org"),
    [
        ("gmp.police.uk", "gmp.police.uk"),
        ("mail.gmp.police.uk", "gmp.police.uk"),
        ("tameside.gov.uk", "tameside.gov.uk"),
        ("mail.tameside.gov.uk", "tameside.gov.uk"),
        ("nhs.net", "nhs.net"),
        ("mail.nhs.net", "nhs.net"),
        ("trust.nhs.uk", "trust.nhs.uk"),
        ("school.sch.uk", "school.sch.uk"),
        ("a.b.example.com", "example.com"),
        ("Example.COM.", "example.com"),
    ],
)
def test_organisational_domain(domain: str, org: str) -> None:
    assert organisational_domain(domain) == org


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("tameside.gov.uk", "tameside.gov.uk", True),
        ("mail.tameside.gov.uk", "tameside.gov.uk", True),
        ("tameside.gov.uk", "news.tameside.gov.uk", True),
        ("oldham.gov.uk", "tameside.gov.uk", False),
        ("gov.uk", "tameside.gov.uk", False),
        ("police.uk", "gmp.police.uk", False),
        ("nhs.net", "nhs.net", True),
        ("evil.example", "nhs.net", False),
        ("", "nhs.net", False),
    ],
)
def test_relaxed_alignment(a: str, b: str, expected: bool) -> None:
    assert aligned(a, b) is expected


# ---------------------------------------------------------------------------------------------
# The check.


def test_dmarc_pass_from_our_server_authenticates() -> None:
    check = check_sender(message(POLICE, ours(M365_PASS)), ALLOWED, POLICY)
    assert check.allowed and check.authenticated
    assert check.reasons == (
        "sender sam.example@gmp.police.uk is authorised for this command",
        "authenticated: DMARC passed for gmp.police.uk",
    )


def test_google_receiving_server_can_be_trusted() -> None:
    policy = AuthPolicy(frozenset({"mx.google.com"}), AuthMode.REQUIRED)
    msg = message(HEALTH, GOOGLE_PASS, border=received("mx.google.com"))
    assert check_sender(msg, ALLOWED, policy).allowed


EOP = "AM4PEPF00027A6C.mail.protection.outlook.com"
M365_POLICY = AuthPolicy(
    frozenset(),
    AuthMode.REQUIRED,
    trust_topmost_unlabelled=True,
    receiving_hosts=frozenset({"mail.protection.outlook.com"}),
)


def test_microsoft_365_header_needs_the_opt_in() -> None:
    # As Exchange Online delivers it: internal hops above its verdict, the front door below.
    msg = message(
        POLICE,
        M365_PASS,
        border=f"from mail.gmp.police.uk (203.0.113.25) by {EOP} (10.167.16.90) with "
        "Microsoft SMTP Server id 15.20.7409.10 via Frontend Transport",
    )
    hops = (
        (
            "received",
            "from AM4PEPF00027A6C.eurprd04.prod.outlook.com (2603:10a6::1) by "
            "DB9PR04MB8410.eurprd04.prod.outlook.com with HTTPS",
        ),
    )
    msg = dataclasses.replace(msg, trace=hops + msg.trace)
    assert not check_sender(msg, ALLOWED, POLICY).authenticated
    assert check_sender(msg, ALLOWED, M365_POLICY).allowed
    # One further down was written before the message reached Microsoft's front door.
    below = message(
        POLICE,
        "spf=none smtp.mailfrom=gmp.police.uk",
        border=received(EOP),
        below=((AR, M365_PASS),),
    )
    assert not check_sender(below, ALLOWED, M365_POLICY).authenticated


def test_forged_header_with_an_untrusted_authserv_id_does_not_count() -> None:
    forged = f"mx.tameside.gov.uk.evil.example; {M365_PASS}"
    msg = message(POLICE, ours("spf=softfail smtp.mailfrom=gmp.police.uk; dmarc=none"), forged)
    check = check_sender(msg, ALLOWED, POLICY)
    assert not check.allowed and not check.authenticated
    assert check.reasons[-1] == (
        "not authenticated, so refused: neither DMARC nor an aligned DKIM signature passed "
        "for gmp.police.uk"
    )


def test_no_trusted_header_at_all() -> None:
    check = check_sender(message(POLICE, f"mx.google.com; {M365_PASS}"), ALLOWED, POLICY)
    assert not check.allowed
    assert check.reasons[-1] == (
        "not authenticated, so refused: no Authentication-Results header from a trusted "
        "receiving server (mx.tameside.gov.uk)"
    )


# ---------------------------------------------------------------------------------------------
# Where the header sits: only above our receiving server's Received header (RFC 8601 s. 5).

FORGED_PASS = ours("dkim=pass header.d=gmp.police.uk; dmarc=pass header.from=gmp.police.uk")
BELOW = (
    "; one that names our server sits below its Received header, so it was written before "
    "the message reached us (forged, or from elsewhere) and is ignored"
)


def test_a_pass_naming_our_server_below_its_received_header_is_not_believed() -> None:
    msg = message(POLICE, border=OUR_RECEIVED, below=((AR, FORGED_PASS),))
    check = check_sender(msg, ALLOWED, POLICY)
    assert not check.allowed and not check.authenticated
    assert check.authentication == (
        "no Authentication-Results header from a trusted receiving server "
        "(mx.tameside.gov.uk)" + BELOW
    )


def test_a_pass_naming_our_server_with_no_received_header_of_ours_is_not_believed() -> None:
    # Sent straight to the bot's mailbox some other way, or a forged Received line by another
    # host: either way our receiving server never checked it.
    for border in (None, received("mx.evil.example")):
        check = check_sender(message(POLICE, FORGED_PASS, border=border), ALLOWED, POLICY)
        assert not check.allowed and not check.authenticated
        assert check.authentication.startswith(
            "no Received header from our receiving server (mx.tameside.gov.uk), so no "
            "Authentication-Results header on it can be believed"
        )


def test_our_own_verdict_above_the_border_wins_over_a_forged_pass_below() -> None:
    msg = message(
        POLICE,
        ours("spf=fail smtp.mailfrom=gmp.police.uk; dmarc=fail header.from=gmp.police.uk"),
        below=((AR, FORGED_PASS), ("received", received(OUR_MX))),
    )
    check = check_sender(msg, ALLOWED, POLICY)
    assert not check.allowed
    assert check.authentication == "DMARC failed for gmp.police.uk"


def test_a_forged_received_line_of_ours_lower_down_does_not_move_the_border() -> None:
    """The sender writes "Received: ... by mx.tameside.gov.uk" with a pass above it, and makes
    our real line hard to read with a HELO name full of brackets: the topmost line naming our
    host is still our real one."""
    msg = message(
        POLICE,
        border=received(OUR_MX, helo="x(by"),
        below=((AR, FORGED_PASS), ("received", received(OUR_MX))),
    )
    check = check_sender(msg, ALLOWED, POLICY)
    assert not check.authenticated
    assert check.authentication.endswith(BELOW)


def test_internal_hops_above_our_verdict_keep_it_believed() -> None:
    msg = message(POLICE, ours(M365_PASS))
    hop = ("received", "from mx.tameside.gov.uk by exch01.internal.example with LMTP")
    msg = dataclasses.replace(msg, trace=(hop, *msg.trace))
    assert check_sender(msg, ALLOWED, POLICY).authenticated


def test_receiving_hosts_name_the_border_when_it_is_not_the_authserv_id() -> None:
    policy = AuthPolicy(
        frozenset({"tameside.gov.uk"}),
        AuthMode.REQUIRED,
        receiving_hosts=frozenset({"mx1.tameside.gov.uk"}),
    )
    header = "tameside.gov.uk; dmarc=pass header.from=gmp.police.uk"
    msg = message(POLICE, header, border=received("MX1.Tameside.gov.uk."))
    assert check_sender(msg, ALLOWED, policy).authenticated
    # An internal hop by another host of the same domain is not the border.
    hop = ("received", "from mx1.tameside.gov.uk by exch01.tameside.gov.uk with SMTP")
    assert check_sender(
        dataclasses.replace(msg, trace=(hop, *msg.trace)), ALLOWED, policy
    ).authenticated


def test_dkim_pass_for_an_unrelated_domain_does_not_count() -> None:
    header = ours(
        "dkim=pass header.d=bulkmailer.example header.i=@bulkmailer.example; "
        "spf=pass smtp.mailfrom=bounce.bulkmailer.example; dmarc=none header.from=nhs.net"
    )
    check = check_sender(message(HEALTH, header), ALLOWED, POLICY)
    assert not check.authenticated and not check.allowed
    assert "DKIM passed only for bulkmailer.example" in check.reasons[-1]


def test_dkim_pass_aligned_without_dmarc_authenticates() -> None:
    header = ours("dkim=pass header.d=mail.tameside.gov.uk; spf=none; dmarc=none")
    check = check_sender(message(COUNCIL, header), ALLOWED, POLICY)
    assert check.authenticated and check.allowed
    assert check.reasons[-1] == (
        "authenticated: DKIM signature by mail.tameside.gov.uk passed, aligned with tameside.gov.uk"
    )


def test_dkim_identity_is_used_when_there_is_no_header_d() -> None:
    header = ours("dkim=pass header.i=@nhs.net header.s=s1")
    assert check_sender(message(HEALTH, header), ALLOWED, POLICY).authenticated


def test_dmarc_pass_for_another_domain_does_not_count() -> None:
    header = ours("dmarc=pass header.from=gmp.police.uk")
    assert not check_sender(message(HEALTH, header), ALLOWED, POLICY).authenticated


def test_dmarc_fail_wins_over_dkim_pass() -> None:
    header = ours(
        "dkim=pass header.d=gmp.police.uk; dmarc=fail (p=REJECT) header.from=gmp.police.uk"
    )
    check = check_sender(message(POLICE, header), ALLOWED, POLICY)
    assert not check.authenticated and not check.allowed
    assert check.reasons[-1] == "not authenticated, so refused: DMARC failed for gmp.police.uk"


def test_dmarc_fail_in_any_trusted_header_counts() -> None:
    msg = message(
        POLICE,
        ours("dmarc=pass header.from=gmp.police.uk"),
        ours("dmarc=fail header.from=gmp.police.uk"),
    )
    assert not check_sender(msg, ALLOWED, POLICY).authenticated


def test_failed_dkim_does_not_count() -> None:
    header = ours("dkim=fail (bad signature) header.d=gmp.police.uk")
    assert not check_sender(message(POLICE, header), ALLOWED, POLICY).authenticated


def test_authserv_ids_and_addresses_compare_case_insensitively() -> None:
    policy = AuthPolicy(frozenset({"MX.Tameside.GOV.UK"}), AuthMode.REQUIRED)
    msg = message("Sam.Example@GMP.police.uk", ours("dmarc=pass header.from=GMP.Police.UK"))
    check = check_sender(msg, frozenset({"SAM.EXAMPLE@gmp.police.uk"}), policy)
    assert check.allowed and check.authenticated


def test_an_unknown_address_is_refused_even_when_authenticated() -> None:
    outsider = "someone.else@gmp.police.uk"
    msg = message(outsider, ours("dmarc=pass header.from=gmp.police.uk"))
    for mode in AuthMode:
        check = check_sender(msg, ALLOWED, AuthPolicy(POLICY.trusted_authserv_ids, mode))
        assert not check.allowed
        assert check.authenticated
        assert check.reasons[0] == f"sender {outsider} is not authorised for this command"


def test_a_message_without_a_from_address_is_refused() -> None:
    check = check_sender(message("", ours(M365_PASS)), ALLOWED, POLICY)
    assert check == SenderCheck(
        allowed=False,
        authenticated=False,
        reasons=(
            "the message has no From address, so it is not authorised",
            "not authenticated, so refused: the message has no From address to authenticate",
        ),
        authentication="the message has no From address to authenticate",
    )


UNAUTHENTICATED = message(POLICE, ours("spf=fail smtp.mailfrom=gmp.police.uk; dmarc=none"))
AUTHENTICATED = message(POLICE, ours(M365_PASS))


@pytest.mark.parametrize(
    ("mode", "msg", "allowed", "authenticated", "last_reason"),
    [
        (AuthMode.REQUIRED, AUTHENTICATED, True, True, "authenticated: DMARC passed"),
        (AuthMode.REQUIRED, UNAUTHENTICATED, False, False, "not authenticated, so refused:"),
        (AuthMode.ADVISORY, AUTHENTICATED, True, True, "authenticated: DMARC passed"),
        (
            AuthMode.ADVISORY,
            UNAUTHENTICATED,
            True,
            False,
            "not authenticated (neither DMARC nor an aligned DKIM signature passed for "
            "gmp.police.uk); accepted because authentication is advisory",
        ),
        (AuthMode.OFF, AUTHENTICATED, True, True, "authentication is not required (mode off)"),
        (AuthMode.OFF, UNAUTHENTICATED, True, False, "authentication is not required (mode off)"),
    ],
)
def test_modes(
    mode: AuthMode, msg: MailMessage, allowed: bool, authenticated: bool, last_reason: str
) -> None:
    check = check_sender(msg, ALLOWED, AuthPolicy(POLICY.trusted_authserv_ids, mode))
    assert (check.allowed, check.authenticated) == (allowed, authenticated)
    assert check.reasons[-1].startswith(last_reason)


def test_mode_values_match_the_config_words() -> None:
    assert [m.value for m in AuthMode] == ["required", "advisory", "off"]


# ---------------------------------------------------------------------------------------------
# Exchange's mark of mail sent inside the organisation.

AUTH_AS = "x-ms-exchange-organization-authas"
AUTH_SOURCE = "x-ms-exchange-organization-authsource"
INTERNAL = ((AUTH_AS, "Internal"),)
TAMESIDE_EXCHANGE = ExchangeOrganisation(accepted_domains=frozenset({"tameside.gov.uk"}))
TRUSTING = AuthPolicy(POLICY.trusted_authserv_ids, AuthMode.REQUIRED, exchange=TAMESIDE_EXCHANGE)
NOT_BELIEVED = "Exchange's internal mark is not believed: "


def test_the_internal_mark_is_refused_by_default_and_the_refusal_names_the_switch() -> None:
    check = check_sender(message(COUNCIL, exchange=INTERNAL), ALLOWED, POLICY)
    assert not check.allowed and not check.authenticated
    assert check.reasons[-1] == (
        "not authenticated, so refused: no Authentication-Results header from a trusted "
        "receiving server (mx.tameside.gov.uk); the message is marked as sent inside Exchange "
        "(X-MS-Exchange-Organization-AuthAs: Internal), which counts only with "
        "[commands] trust_exchange_internal = true"
    )


def test_the_internal_mark_authenticates_when_the_organisation_is_trusted() -> None:
    check = check_sender(message(COUNCIL, exchange=INTERNAL), ALLOWED, TRUSTING)
    assert check.allowed and check.authenticated
    assert check.reasons[-1] == (
        "authenticated: sent inside the Exchange organisation from tameside.gov.uk "
        "(X-MS-Exchange-Organization-AuthAs: Internal)"
    )


@pytest.mark.parametrize(
    ("name", "msg", "why"),
    [
        (
            "an outside partner's address claiming to be internal",
            message(POLICE, exchange=INTERNAL),
            "gmp.police.uk is not a domain of the organisation (tameside.gov.uk)",
        ),
        (
            "a look-alike council domain",
            message("alex.example@tameside.gov.uk.example", exchange=INTERNAL),
            "tameside.gov.uk.example is not a domain of the organisation (tameside.gov.uk)",
        ),
        (
            "the mark written twice: Exchange's own and the sender's copy",
            message(COUNCIL, exchange=((AUTH_AS, "Anonymous"), (AUTH_AS, "Internal"))),
            "X-MS-Exchange-Organization-AuthAs appears 2 times, and Exchange writes it once",
        ),
        (
            "the mark written twice, both Internal",
            message(COUNCIL, exchange=((AUTH_AS, "Internal"), (AUTH_AS, "Internal"))),
            "X-MS-Exchange-Organization-AuthAs appears 2 times, and Exchange writes it once",
        ),
        (
            "mail from outside, as Exchange marks it",
            message(COUNCIL, exchange=((AUTH_AS, "Anonymous"),)),
            "X-MS-Exchange-Organization-AuthAs is Anonymous, not Internal",
        ),
        (
            "a partner organisation's connector",
            message(COUNCIL, exchange=((AUTH_AS, "Partner"),)),
            "X-MS-Exchange-Organization-AuthAs is Partner, not Internal",
        ),
        (
            "an empty mark",
            message(COUNCIL, exchange=((AUTH_AS, ""),)),
            "X-MS-Exchange-Organization-AuthAs is empty, not Internal",
        ),
        (
            "beside our own server's DMARC failure",
            message(COUNCIL, ours("dmarc=fail header.from=tameside.gov.uk"), exchange=INTERNAL),
            "an Authentication-Results header reports dmarc=fail",
        ),
        (
            "beside an outside server's composite authentication failure",
            message(
                COUNCIL,
                "spf=fail smtp.mailfrom=tameside.gov.uk; compauth=fail reason=000",
                exchange=INTERNAL,
            ),
            "an Authentication-Results header reports compauth=fail",
        ),
    ],
)
def test_forged_or_contradicted_internal_marks_are_refused(
    name: str, msg: MailMessage, why: str
) -> None:
    check = check_sender(msg, ALLOWED | {msg.from_addr}, TRUSTING)
    assert not check.allowed and not check.authenticated, name
    assert check.authentication.endswith(NOT_BELIEVED + why), name


def test_no_mark_at_all_adds_nothing_to_the_refusal() -> None:
    check = check_sender(message(COUNCIL), ALLOWED, TRUSTING)
    assert check.authentication == (
        "no Authentication-Results header from a trusted receiving server (mx.tameside.gov.uk)"
    )


def test_the_internal_mark_never_authorises_an_unknown_address() -> None:
    check = check_sender(
        message("someone.else@tameside.gov.uk", exchange=INTERNAL), ALLOWED, TRUSTING
    )
    assert check.authenticated and not check.allowed


def test_a_dmarc_pass_still_authenticates_an_outside_partner_when_trusting() -> None:
    check = check_sender(message(POLICE, ours(M365_PASS), exchange=INTERNAL), ALLOWED, TRUSTING)
    assert check.allowed
    assert check.authentication == "DMARC passed for gmp.police.uk"


@pytest.mark.parametrize(
    ("sources", "allowed", "why"),
    [
        ((("exch01.tameside.gov.uk"),), True, ""),
        ((("EXCH01.Tameside.GOV.UK."),), True, ""),
        ((("tameside.gov.uk"),), True, ""),
        ((("mail.evil.example"),), False, "(mail.evil.example)"),
        ((("tameside.gov.uk.evil.example"),), False, "(tameside.gov.uk.evil.example)"),
        ((), False, "(missing)"),
        (
            ("exch01.tameside.gov.uk", "exch02.tameside.gov.uk"),
            False,
            "(exch01.tameside.gov.uk, exch02.tameside.gov.uk)",
        ),
    ],
)
def test_the_auth_source_must_be_one_of_the_organisations_servers_when_configured(
    sources: tuple[str, ...], allowed: bool, why: str
) -> None:
    org = ExchangeOrganisation(frozenset({"tameside.gov.uk"}), frozenset({"tameside.gov.uk"}))
    policy = AuthPolicy(POLICY.trusted_authserv_ids, AuthMode.REQUIRED, exchange=org)
    headers = INTERNAL + tuple((AUTH_SOURCE, s) for s in sources)
    check = check_sender(message(COUNCIL, exchange=headers), ALLOWED, policy)
    assert check.allowed is allowed
    if why:
        assert check.authentication.endswith(
            f"X-MS-Exchange-Organization-AuthSource {why} is not one of the organisation's servers"
        )
