from bot.core.wording import plural, signed_as


def test_a_person_is_signed_with_their_role() -> None:
    assert signed_as("Jo Invented", "Business Manager") == "Jo Invented, Business Manager"


def test_a_name_that_is_already_the_role_is_not_signed_with_it_twice() -> None:
    assert signed_as("TSCP Business Manager", "Business Manager") == "TSCP Business Manager"
    assert signed_as("TSCP business manager", "Business Manager") == "TSCP business manager"


def test_counts_take_the_right_noun_form() -> None:
    assert plural(1, "agency", "agencies") == "1 agency"
    assert plural(2, "agency", "agencies") == "2 agencies"
    assert plural(0, "day") == "0 days"
