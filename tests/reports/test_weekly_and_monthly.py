"""A partner's weekly displacement summary and monthly flows count the same moves: they are
made from one table, suppressed once, so that neither can be set against the other.

The attack these tests replay: February 2021 is four whole ISO weeks. A week's households from
an oblast were hidden in the weekly file (2 households) while the month's flows from that
oblast (20) and the other three weeks (6, 6, 6) were published: 20 - 18 = 2.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from displacement.models import Consent, Displacement, Place, ReportDefinition, SharingAgreement
from displacement.models.vocab import ConsentPurpose
from displacement.reports import kinds
from displacement.reports.suppression import TOTAL
from displacement.selectors import moves
from displacement.selectors.aggregates import flow_rows, published_flows
from displacement.services import reports
from displacement.services.summaries import summaries_rebuild
from tests.factories import DisplacementFactory, HouseholdFactory, OrganizationFactory, PersonFactory, TestimonyFactory
from tests.support.disclosure import form, recoverable

MONDAYS = [datetime.date(2021, 2, 1) + datetime.timedelta(weeks=n) for n in range(4)]


def _moved(ngo, *, left_on, origin, destination, households):
    for _ in range(households):
        household = HouseholdFactory(organization=ngo)
        PersonFactory(household=household)
        testimony = TestimonyFactory(organization=ngo, household=household)
        Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
        DisplacementFactory(
            household=household,
            left_on=left_on,
            origin=Place.objects.get(pcode=origin),
            destination=Place.objects.get(pcode=destination),
        )


@pytest.fixture
def february(ngo):
    partner = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    SharingAgreement.objects.create(owner=ngo, partner=partner, record_kinds=["summaries"], purposes=["statistics"])
    for n, monday in enumerate(MONDAYS):
        # From UA14: 2 households in the first week (to be kept hidden), then 6 a week.
        _moved(ngo, left_on=monday + datetime.timedelta(days=1), origin="UA1416021", destination="UA1202001",
               households=2 if n == 0 else 6)  # fmt: skip
        _moved(ngo, left_on=monday + datetime.timedelta(days=2), origin="UA6312027", destination="UA4606001",
               households=6)  # fmt: skip
    summaries_rebuild(organization_id=ngo.pk)  # what the refreshes after these writes would make
    return partner


def _file(ngo, partner, kind):
    definition = ReportDefinition(
        organization=ngo, slug=kind, name=kind, kind=kind, audience=partner, recipients="m@example.org"
    )
    return kinds.generate(reports.report_definition_save(definition))


@pytest.mark.django_db
def test_the_weekly_summary_and_the_monthly_flows_cannot_be_set_against_each_other(ngo, february):
    moved = list(Displacement.objects.filter(organization=ngo).values_list("pk", "left_on", "origin__pcode",
                                                                           "destination__pcode"))  # fmt: skip

    def moves_where(*, week=None, month=None, origin=TOTAL, destination=TOTAL):
        """The form of a count of moves: the displacements it counts (one household each)."""
        return form(
            pk
            for pk, left_on, o, d in moved
            if (week is None or left_on - datetime.timedelta(days=left_on.weekday()) == week)
            and (month is None or (left_on.year, left_on.month) == (month.year, month.month))
            and origin in (TOTAL, o[:4])
            and destination in (TOTAL, d[:4])
        )

    published, hidden = [], []
    weekly = _file(ngo, february, "displacement_summary")
    for week, origin, _name, households, people, *_others in weekly.rows:
        number = moves_where(week=datetime.date.fromisoformat(week), origin=origin)
        (hidden if households is None else published).append(number)
        if people is not None:
            published.append(number)  # one person a household: the same sum
    flows = _file(ngo, february, "flows")
    for month, origin, _o, destination, _d, households, people in flows.rows:
        number = moves_where(month=datetime.date.fromisoformat(f"{month}-01"), origin=origin, destination=destination)
        (hidden if households is None else published).append(number)
        if people is not None:
            published.append(number)
    # The API's summaries: the same monthly tables with their totals.
    for _owner, month, origin, destination, households in flow_rows(published_flows(organizations=[ngo])):
        number = moves_where(month=month, origin=origin, destination=destination)
        (hidden if households is None else published).append(number)

    first_week = moves_where(week=MONDAYS[0], origin="UA14")
    assert first_week in hidden  # the attack's target is hidden in the weekly file
    assert recoverable(published, hidden) == []


# --- over random moves: weeks across a month's end ------------------------------------------

#: Parts of three ISO weeks: the first wholly in January 2025, the second across its end.
PARTS = [
    (datetime.date(2025, 1, 20), datetime.date(2025, 1, 1)),
    (datetime.date(2025, 1, 27), datetime.date(2025, 1, 1)),
    (datetime.date(2025, 1, 27), datetime.date(2025, 2, 1)),
    (datetime.date(2025, 2, 3), datetime.date(2025, 2, 1)),
]
OBLASTS = ["UA12", "UA14", "UA63"]
part_counts = st.dictionaries(
    keys=st.sampled_from(PARTS),
    values=st.dictionaries(
        keys=st.tuples(st.sampled_from(OBLASTS), st.sampled_from([*OBLASTS, moves.NOWHERE])),
        values=st.one_of(st.integers(0, 6), st.integers(0, 30)),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
)


@settings(max_examples=150, deadline=None)
@given(counts=part_counts)
def test_no_sums_and_differences_of_weeks_and_months_reveal_a_small_count(counts):
    parts = moves.suppressed({part: {key: (n, n) for key, n in cells.items()} for part, cells in counts.items()})
    # What a reader does not know: every cell of every part's table, zeros included (a zero
    # the suppression hid is as unknown as any hidden count).
    unknown = {(part, r, c) for part, t in parts.items() for r in t.households.rows for c in t.households.columns}

    def true(number):
        return sum(counts[part].get((o, d), 0) for part, o, d in number)

    def cells_where(*, week=None, month=None, origin=TOTAL, destination=TOTAL, with_destination=False):
        return form(
            (part, o, d)
            for part, o, d in unknown
            if week in (None, part[0])
            and month in (None, part[1])
            and origin in (TOTAL, o)
            and destination in (TOTAL, d)
            and not (with_destination and d == moves.NOWHERE)
        )

    published, hidden = [], []
    for week, origins in moves.weekly_moves(parts).items():
        for origin, (households, _people) in origins.items():
            (hidden if households is None else published).append(cells_where(week=week, origin=origin))
    tables = {("owner", month): counted.households for month, counted in moves.monthly_flows(parts).items()}
    for _owner, month, origin, destination, households in flow_rows(tables):
        number = cells_where(month=month, origin=origin, destination=destination, with_destination=True)
        (hidden if households is None else published).append(number)
        assert households in (None, true(number))  # a published number is the true one
    small = [number for number in hidden if 0 < true(number) < 5]
    small += [form([cell]) for cell in unknown if 0 < true([cell]) < 5]  # each part's own small cells
    assert recoverable(published, small) == []
