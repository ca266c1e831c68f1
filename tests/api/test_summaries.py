"""A partner's summaries: one table per calendar month, suppressed whole; filters only choose.

The attack these tests replay: January gave 5 households, January to February 6, February
alone was suppressed, so February held 1; an origin filter published the complement of a
suppressed cell. No answer a partner may ask for is now a new count: every number in it is a
cell or total of one month's table, suppressed before anything was chosen.
"""

import datetime
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from displacement.models import Consent, Place, SharingAgreement
from displacement.models.vocab import ConsentPurpose
from displacement.reports.suppression import TOTAL, suppress_table
from displacement.selectors.aggregates import flow_rows
from displacement.services.summaries import summaries_rebuild
from tests.factories import DisplacementFactory, HouseholdFactory, PersonFactory, TestimonyFactory
from tests.support.disclosure import form, recoverable

# --- on the API, with the data of the attack -------------------------------------------------


def _displaced(ngo, *, left_on, origin="UA1416021", destination="UA1202001", households=1):
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
def attacked(ngo, partner_org):
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["summaries"], purposes=["statistics"])
    _displaced(ngo, left_on=datetime.date(2025, 1, 10), households=5)  # January: 5 from UA14 to UA12
    _displaced(ngo, left_on=datetime.date(2025, 2, 10))  # February: 1, to be kept hidden
    _displaced(ngo, left_on=datetime.date(2025, 2, 11), origin="UA6312027", households=7)  # 7 from UA63
    _displaced(ngo, left_on=datetime.date(2025, 2, 12), origin="UA6312027", destination="UA4606001", households=6)
    summaries_rebuild(organization_id=ngo.pk)  # what the refreshes after these writes would make


def _answer(client, query=""):
    response = client.get(f"/api/v1/summaries/{query}")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert all(row["owner"] == "dpn" for row in rows)
    return {(r["month"], r["origin_adm1_pcode"], r["destination_adm1_pcode"]): r["households"] for r in rows}


QUERIES = [
    "",
    "?occurred_after=2025-01-01&occurred_before=2025-01-31",
    "?occurred_after=2025-01-01&occurred_before=2025-02-28",
    "?occurred_after=2025-02-01&occurred_before=2025-02-28",
    "?occurred_after=2025-02-01",
    "?occurred_before=2025-01-31",
    "?place=UA14",
    "?place=UA63",
    "?place=UA63&occurred_after=2025-02-01&occurred_before=2025-02-28",
]


def test_every_answer_is_a_choice_of_the_published_cells_of_whole_months(partner, attacked):
    everything = _answer(partner)
    for query in QUERIES:
        assert _answer(partner, query).items() <= everything.items(), query
    # The attack: January to February is January's cells and February's, never their sum.
    assert _answer(partner, QUERIES[2]) == {**_answer(partner, QUERIES[1]), **_answer(partner, QUERIES[3])}
    assert everything[("2025-01", "UA14", "UA12")] == 5
    assert everything[("2025-02", "UA14", "UA12")] is None
    for query in QUERIES:  # February's household from UA14, in no answer
        answer = _answer(partner, query)
        assert all(v is None for (month, origin, _), v in answer.items() if (month, origin) == ("2025-02", "UA14"))


def test_no_sums_and_differences_of_any_answers_recover_februarys_household(partner, attacked):
    answers = [_answer(partner, query) for query in QUERIES]
    shapes = {}  # month -> (rows, columns) of its table, as published
    for key in answers[0]:
        month, origin, destination = key
        rows, columns = shapes.setdefault(month, (set(), set()))
        rows.add(origin) if origin != "TOTAL" else None
        columns.add(destination) if destination != "TOTAL" else None
    published = [_form(key, shapes) for answer in answers for key, value in answer.items() if value is not None]
    hidden = _form(("2025-02", "UA14", "UA12"), shapes)
    assert recoverable(published, [hidden]) == []


def _form(key, shapes):
    month, origin, destination = key
    rows, columns = shapes[month]
    origins = rows if origin == "TOTAL" else [origin]
    destinations = columns if destination == "TOTAL" else [destination]
    return form((month, r, c) for r in origins for c in destinations)


def test_partners_ask_for_whole_months_and_oblasts(partner, attacked):
    for query, field in (
        ("?occurred_after=2025-01-02", "occurred_after"),
        ("?occurred_before=2025-02-27", "occurred_before"),
        ("?place=UA1416", "place"),
    ):
        response = partner.get(f"/api/v1/summaries/{query}")
        assert response.status_code == 400 and field in response.json()["error"]["fields"], query


def test_staff_read_exact_counts_over_any_period(staff, attacked):
    rows = staff.get("/api/v1/summaries/?occurred_after=2025-01-01&occurred_before=2025-02-28").json()
    cells = {(r["origin_adm1_pcode"], r["destination_adm1_pcode"]): r["households"] for r in rows}
    assert cells[("UA14", "UA12")] == 6 and all(r["month"] is None for r in rows)


# --- over random data: every allowed query, every pair ---------------------------------------

MONTHS = [datetime.date(2025, month, 1) for month in (1, 2, 3)]
OBLASTS = ["UA12", "UA14", "UA63"]
months_of_counts = st.dictionaries(
    keys=st.sampled_from(MONTHS),
    values=st.dictionaries(
        keys=st.tuples(st.sampled_from(OBLASTS), st.sampled_from(OBLASTS)),
        values=st.one_of(st.integers(0, 6), st.integers(0, 40)),
        min_size=1,
        max_size=9,
    ),
    min_size=1,
)


def _allowed_answers(tables):
    """What a partner may ask: a run of whole months (or none: every month), an origin oblast
    or none; each answer as the partner's view (``flow_rows``) gives it."""
    runs = [(first, last) for first in MONTHS for last in MONTHS if first <= last] + [None]
    for run in runs:
        chosen = {key: t for key, t in tables.items() if run is None or run[0] <= key[1] <= run[1]}
        for origin in [None, *OBLASTS]:
            yield flow_rows(chosen, origin=origin)


def _number_form(owner, month, origin, destination, tables):
    table = tables[(owner, month)]
    origins = table.rows if origin == TOTAL else [origin]
    destinations = table.columns if destination == TOTAL else [destination]
    return form((owner, month, r, c) for r in origins for c in destinations)


@settings(max_examples=150, deadline=None)
@given(owners=st.lists(months_of_counts, min_size=1, max_size=2), k=st.integers(3, 6))
def test_no_two_allowed_answers_combine_to_reveal_a_small_count(owners, k):
    counts = {(f"owner{n}", month): cells for n, months in enumerate(owners) for month, cells in months.items()}
    tables = {key: suppress_table(Counter(cells), k=k) for key, cells in counts.items()}
    answers = list(_allowed_answers(tables))
    published = {}
    for answer in answers:
        for *key, value in answer:
            if value is not None:
                assert published.setdefault(tuple(key), value) == value, "one number, one value, in every answer"
    hidden = {tuple(key) for *key, value in flow_rows(tables) if value is None}
    true = {key: sum(counts[key[:2]].get(cell[2:], 0) for cell in _number_form(*key, tables)) for key in hidden}
    # Every difference of two published numbers, within or across answers, is no hidden count.
    for a, b in combinations(published, 2):
        difference = {**_number_form(*a, tables)}
        for cell, coefficient in _number_form(*b, tables).items():
            difference[cell] = difference.get(cell, 0) - coefficient
        difference = {cell: c for cell, c in difference.items() if c}
        for key in hidden:
            for sign in (1, -1):
                if {cell: sign * c for cell, c in difference.items()} == _number_form(*key, tables):
                    raise AssertionError(f"{a} and {b} give {key} = {true[key]}")
    # Nor any sum and difference of any published numbers.
    found = recoverable(
        (_number_form(*key, tables) for key in published), (_number_form(*key, tables) for key in hidden)
    )
    assert found == []
