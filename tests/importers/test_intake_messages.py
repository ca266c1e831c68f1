"""What the intake's checks say of an answer, in words a field officer can act on."""

from displacement.importers.intake_checks import check_answers


def test_a_date_of_the_right_shape_that_is_no_day_says_so():
    problems = check_answers({"interview/recorded_on": "2026-02-30"})
    assert ("interview/recorded_on", "'2026-02-30' is not a day of the calendar (YYYY-MM-DD).") in problems
