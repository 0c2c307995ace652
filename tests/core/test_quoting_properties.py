"""Properties of what of a reply is shown to a person (bot.core.commands.quoting) over any
mix of a partner's own lines (news written every way, some opening with words a quote's
header or a sign-off also uses), greetings, signatures and the quoted email below in each
way mail programs quote: every line the partner wrote above the quote is shown."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.commands.quoting import text_to_show

OWN = (
    "On Monday the school wrote to mum about the bruise.",
    "From: the health visitor's notes, the baby had a bruise.",
    "Sent to hospital by ambulance at 10:00.",
    "Regards the father, he was arrested last night.",
    "Thanks to the school the child is safe now.",
    "Best wishes from the family, who have moved to Leeds.",
    "Subject to the police, the interview is on Friday.",
    "Original message from the GP is attached.",
    "Child now deceased.",
    "Mother Arrested",
    "Cheers, the child is back in hospital.",
    "Kind regards to all, but the child has died.",
    "Sent from the ward: child deteriorating.",
    "Wrote to the GP on 12/12/2026: no reply.",
    "On 12 Dec 2026, the social worker wrote: concerns remain.",
    "Many thanks. The child has been admitted to PICU.",
)
GREETINGS = ("Hi Jo,", "Dear Business Manager,", "Morning all,", "")
SIGNED = (
    "Kind regards\nCasey\nPolice DSP",
    "Thanks\nCasey",
    "Casey Invented\nDesignated Safeguarding Lead\nTel: 0161 496 0000",
    "",
)
SENT = "Dear colleague,\nThe Screening Panel is booked for Wed 23 Dec 2026 10:00.\nTSCP Bot"
QUOTES = (
    "From: TSCP Bot <tscp@tameside.gov.uk>\nSent: 23 December 2026 09:05\nTo: Casey Invented"
    f"\nSubject: [TSCP-2026-0001] Screening Panel\n\n{SENT}",
    "On Wed, 23 Dec 2026 at 09:05, TSCP Bot <tscp@tameside.gov.uk> wrote:\n"
    + "\n".join(f"> {line}" for line in SENT.splitlines()),
    "-----Original Message-----\nFrom: TSCP Bot <tscp@tameside.gov.uk>\nSent: Wednesday, "
    f"December 23, 2026 9:05 AM\nSubject: [TSCP-2026-0001] Screening Panel\n\n{SENT}",
    f"________________________________\nFrom: TSCP Bot <tscp@tameside.gov.uk>\nSent: 23 "
    f"December 2026 09:05\n\n{SENT}",
)


@given(
    st.sampled_from(GREETINGS),
    st.lists(st.sampled_from(OWN), min_size=1, max_size=4, unique=True),
    st.sampled_from(SIGNED),
    st.sampled_from(QUOTES),
    st.sampled_from(["\n\n", "\n"]),
)
@example("Hi Jo,", [OWN[1]], "", QUOTES[0], "\n\n")  # their "From:" taken for the header's
@example("Hi Jo,", [OWN[14]], "", QUOTES[1], "\n")  # their "On ... wrote:" for the attribution's
def test_every_line_a_partner_wrote_above_the_quote_is_shown(
    greeting: str, own: list[str], signed: str, quote: str, between: str
) -> None:
    body = between.join(part for part in (greeting, *own, signed, quote) if part)
    shown = " ".join(text_to_show(body, [SENT]).split())
    assert all(line in shown for line in own), body
