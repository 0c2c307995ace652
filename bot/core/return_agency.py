"""Whose Appendix B return a message is: the agency its request went to, when it answers one.

A return that replies to the request the bot sent an agency is that agency's, whatever the
sender's address: a trust's nurse writes from nhs.net, which is also the ICB's domain. When
the sender's address, or the form's Agency field, names another agency than the one credited,
the return is kept for the credited agency but its deadline is not marked met: one agency's
clock is never met on a guess between two, and a person says whose it is (Return from:).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.snapshot import Snapshot


@dataclass(frozen=True)
class Credit:
    agency: str | None  # None: the sender's, as the service finds it
    doubt: str = ""  # why a person must say whose it is; "" when nothing disagrees


def whose_return(snap: Snapshot) -> Credit:
    credited = snap.request_agency or snap.sender_agency
    others = []
    if snap.request_agency and snap.sender_agency and snap.sender_agency != credited:
        others.append(f"sent from an address of {snap.sender_agency}")
    if snap.form_agency and credited and snap.form_agency != credited:
        others.append(f"its form's Agency is {snap.form_agency}")
    if not others:
        return Credit(snap.request_agency)
    answers = (
        f"in reply to the request to {credited}"
        if snap.request_agency
        else f"from an address of {credited}"
    )
    doubt = (
        f"an Appendix B return on {snap.case_ref} {answers}, but {' and '.join(others)}: kept as "
        f"{credited}'s, its deadline not marked met; send it on to the mailbox with Return "
        "from: <agency> at the top to say whose return it is"
    )
    return Credit(credited, doubt)
