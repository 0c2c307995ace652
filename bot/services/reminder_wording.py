"""What a reminder or escalation says the reader should do, and how it names what is chased."""

from __future__ import annotations

from bot.core import deadlines

_RETURN = "Please send the completed return to the partnership by replying to the request."
HINTS = {
    "agency": _RETURN,
    "agency_contact": _RETURN,  # an agency with no safeguarding lead on record above its contact
    "local_authority": "The local authority must notify the National Panel through the Child "
    "Safeguarding Online Notification form; reply Notified: <date> once it is done.",
    "looked_after_death": "The local authority must notify the Secretary of State and Ofsted "
    "of this death through the Child Safeguarding Online Notification form, whether or not "
    "abuse or neglect is known or suspected; reply SoS and Ofsted notified: <date> once it "
    "is done.",
    "business_manager": "Please record progress by replying with the matching command, or at "
    "the terminal with tscp-bot command.",
}
# Deadlines whose reminder names the one command that meets them.
DEADLINE_HINTS = {
    # An action-plan item is owned by an agency too, but it is no return to send.
    deadlines.ACTION: "Please tell the Business Manager when the action is complete, or if it "
    "cannot be done by the date agreed, so that the action plan can be updated.",
    # The Business Manager's own: each names the command that records it, as the National
    # Panel's names Notified:.
    "screening_meeting": "Once the panel has met, reply Decision: rapid review, local learning "
    "review or no further action, as the partners agreed (two matching votes record it on "
    "their own). To move the meeting, reply Reschedule: <date> <time>.",
    "rapid_review": "Reply Meeting held: <date> once the Rapid Review meeting has taken "
    "place, and Report submitted: <date> once the report has gone to the National Panel; "
    "that meets this deadline. If it will be late, reply Delay: <reason>; expected <date>.",
    "cspr_report": "Reply Published: <date> once the report is published, which meets this "
    "deadline, and Report sent: <date> once it has gone to the National Panel, the Secretary "
    "of State and Ofsted. If it will not be published in time, reply Publication delayed: "
    "<reason>; a later day agreed with the National Panel is recorded with Report extended: "
    "<date> agreed with the National Panel on <date>.",
    "complaint_response": "Once the written reply to the complaint has been sent, reply "
    "Answered: <the date it was sent>; the reminders then stop. Close the record with "
    "Close: <reason> when nothing more is needed. A later day agreed with the complainant is "
    "recorded with Complaint extended: <date> agreed with the complainant on <date>.",
}

# Deadlines whose escalation to the Business Manager says what to do in their own words: a
# complaint has no partners to agree a date with; only the complainant may agree a later day.
ESCALATION_HINTS = {
    "complaint_response": "The complainant is owed a written response, prepared with the "
    "relevant Head of Service and giving the Ombudsman's details. Please send it today if you "
    "can, then reply Answered: <the date it was sent>; the reminders then stop. If it will be "
    "later still, write to the complainant to say so and when to expect it; a later day they "
    "agree is recorded with Complaint extended: <date> agreed with the complainant on <date>.",
}

# What an escalation says is still missing when someone at the agency chased replied on the
# case ("a reply was received <day>, but ..."): true of the reply whatever it said.
NOT_YET_RECORDED = {
    deadlines.APPENDIX_B: "the return is not yet recorded",
    deadlines.ACTION: "the action is not yet recorded as done",
    "panel_notification": "the notification to the National Panel is not yet recorded",
    "looked_after_death_notification": "the notification to the Secretary of State and Ofsted "
    "is not yet recorded",
}


SHORT_NAMES = {
    deadlines.APPENDIX_B: "Appendix B return",
    deadlines.ACTION: "Action plan item",
    "panel_notification": "National Panel notification",
    "looked_after_death_notification": "Notice of death to the Secretary of State and Ofsted",
    "screening_meeting": "Screening Panel decision",
    "rapid_review": "Rapid Review",
    "complaint_response": "Complaint response",
    "cspr_report": "CSPR report",
    "publication_notice": "Notice of publication",
}
