"""List pages under their filters: what they return, and that their SQL can be read from the
indexes made for it (the plans that matter show only at 300,000 households: bench/)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from displacement.models import TestimonyEvent
from tests.api.conftest import shared_testimony
from tests.factories import DisplacementFactory, EventFactory, TestimonyFactory, place

# With these off (heavily penalised, not forbidden), a plan without the page index has to
# sort, or read the table in full, and the assertions below see it.
NO_SHORTCUTS = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort")


def _page_plan(client, url) -> dict:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = next(query["sql"] for query in captured.captured_queries if "LIMIT 51" in query["sql"])
    with connection.cursor() as cursor:
        for setting in NO_SHORTCUTS:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        for setting in NO_SHORTCUTS:
            cursor.execute(f"RESET {setting}")
    return plan[0]["Plan"]


def _nodes(plan: dict, *, subplans: bool = True):
    yield plan
    for child in plan.get("Plans", []):
        if subplans or child.get("Parent Relationship") not in ("SubPlan", "InitPlan"):
            yield from _nodes(child, subplans=subplans)


@pytest.mark.parametrize(
    ("resource", "query", "index", "column"),
    [
        ("events", "occurred_after=2025-01-01", "event_page_start_idx", "start"),
        ("testimonies", "recorded_before=2025-01-01", "testimony_page_recorded_idx", "recorded_on"),
        ("displacements", "occurred_after=2025-01-01", "displacement_page_left_on_idx", "left_on"),
        ("cases", "recorded_after=2025-01-01", "case_page_opened_idx", "opened_on"),
    ],
)
@pytest.mark.parametrize("caller", ["partner", "staff"])
def test_a_date_filter_is_tested_in_the_index_that_gives_the_page_order(
    request, world, caller, resource, query, index, column
):
    plan = _page_plan(request.getfixturevalue(caller), f"/api/v1/{resource}/?{query}")
    nodes = list(_nodes(plan))
    scans = [node for node in nodes if node.get("Index Name") == index]
    assert scans, f"{index} unused"
    assert column in scans[0].get("Index Cond", ""), "the date is tested on rows, not on index entries"
    # A subplan sorts its own few rows (a testimony's event links, in the order made): not the page.
    page = list(_nodes(plan, subplans=False))
    assert not [node for node in page if "Sort" in node["Node Type"]], "the page is sorted, not read in order"


@pytest.mark.parametrize(
    ("resource", "query", "index"),
    [
        ("testimonies", "recorded_after=2025-01-01", "testimony_page_recorded_idx"),
        ("displacements", "occurred_after=2025-01-01", "displacement_page_left_on_idx"),
    ],
)
@pytest.mark.parametrize("caller", ["partner", "staff"])
def test_on_or_after_a_date_the_page_order_starts_at_that_date(request, world, caller, resource, query, index):
    """Those dates are never after the day of saving (the database checks it), so the walk in
    page order starts there instead of passing every older record."""
    plan = _page_plan(request.getfixturevalue(caller), f"/api/v1/{resource}/?{query}")
    (scan,) = [node for node in _nodes(plan) if node.get("Index Name") == index]
    # A partner's filter starts at the ISO week that holds the date (Monday 30 December 2024).
    floor = "2024-12-31" if caller == "staff" else "2024-12-29"
    assert "updated_at >=" in scan["Index Cond"] and floor in scan["Index Cond"]


@pytest.mark.parametrize(("factory", "field"), [(TestimonyFactory, "recorded_on"), (DisplacementFactory, "left_on")])
def test_a_date_after_the_day_of_saving_is_refused(ngo, factory, field):
    record = factory(**({"organization": ngo} if factory is TestimonyFactory else {"household__organization": ngo}))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    setattr(record, field, tomorrow)
    with pytest.raises(ValidationError, match="future"):
        record.full_clean()
    # Around the model, the database refuses it (a day's margin for time zones).
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: tomorrow + datetime.timedelta(days=1)})
    type(record).objects.filter(pk=record.pk).update(**{field: datetime.date(2022, 3, 1)})  # the past: fine


def test_place_filters_take_the_place_and_everything_below_it(partner, staff, world, ngo, monkeypatch):
    kyiv = DisplacementFactory(household__organization=ngo, destination=place("UA8000000"))
    nowhere = DisplacementFactory(household__organization=ngo, destination=None)
    shared_testimony(ngo).household.displacements.update(destination=place("UA8000000"))
    staff_ids = {row["pk"] for row in staff.get("/api/v1/displacements/?destination=UA80").json()["results"]}
    assert kyiv.pk in staff_ids and nowhere.pk not in staff_ids and len(staff_ids) == 2
    assert len(partner.get("/api/v1/displacements/?destination=UA80").json()["results"]) == 1  # the consenting one
    # A subtree too large to list goes by subquery, with the same result.
    monkeypatch.setattr("displacement.selectors.filters.places.PLACE_IDS_LIMIT", 1)
    assert {row["pk"] for row in staff.get("/api/v1/displacements/?destination=UA80").json()["results"]} == staff_ids
    assert len(partner.get("/api/v1/displacements/?destination=UA80").json()["results"]) == 1
    assert staff.get("/api/v1/displacements/?destination=UA8").status_code == 400  # a prefix is not a P-code
    assert staff.get("/api/v1/displacements/?destination=ua80").status_code == 200


def test_a_testimony_speaking_of_several_matching_events_is_listed_once(staff, ngo):
    testimony = shared_testimony(ngo)
    for day in (1, 2):
        event = EventFactory(organization=ngo, place=place("UA6312027"), start=datetime.date(2022, 3, day))
        TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    for query in ("place=UA63", "occurred_before=2022-06-01", "place=UA63&event_type=explosions_remote_violence"):
        rows = staff.get(f"/api/v1/testimonies/?{query}").json()["results"]
        assert [row["pk"] for row in rows] == [testimony.pk], query
    assert staff.get("/api/v1/testimonies/?place=UA63&event_type=battles").json()["results"] == []


@pytest.mark.parametrize("few_events", [1000, 0], ids=["listed", "walked"])
def test_a_filter_through_events_follows_a_change_to_the_event(staff, ngo, monkeypatch, few_events):
    """Listed from the events or walked against the copies on the links, a filter sees an
    event as it is now."""
    monkeypatch.setattr("displacement.selectors.filters.through_events.FEW_EVENTS", few_events)
    testimony = shared_testimony(ngo)
    event = EventFactory(organization=ngo, target="school", place=place("UA6312027"))
    TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")

    def found(query):
        return [row["pk"] for row in staff.get(f"/api/v1/testimonies/?{query}").json()["results"]]

    assert found("target=school") == found("place=UA63") == found("occurred_after=2025-05-01") == [testimony.pk]
    event.target, event.place, event.start = "health_facility", place("UA1214025"), datetime.date(2024, 2, 1)
    event.save()
    assert found("target=school") == found("place=UA63") == found("occurred_after=2025-05-01") == []
    now = [testimony.pk]
    assert found("target=health_facility") == found("place=UA12") == found("occurred_before=2024-02-01") == now
    # A subtree too large to list: a subquery.
    monkeypatch.setattr("displacement.selectors.filters.places.PLACE_IDS_LIMIT", 1)
    assert found("place=UA12") == [testimony.pk]
    assert found("place=UA63") == []


def test_a_displacement_filter_through_its_cause(staff, ngo):
    battle = EventFactory(organization=ngo, event_type="battles", sub_event_type="armed_clash")
    caused = DisplacementFactory(household__organization=ngo, cause=battle)
    DisplacementFactory(household__organization=ngo)
    rows = staff.get("/api/v1/displacements/?event_type=battles").json()["results"]
    assert [row["pk"] for row in rows] == [caused.pk]


@pytest.mark.parametrize("few_events", [1000, 0])
def test_a_date_filter_through_events_counts_only_events_the_caller_may_read(
    request, partner, staff, ngo, partner_org, world, monkeypatch, few_events
):
    """Listed first (few matching events) or checked row by row (many), the same testimonies:
    those speaking of an event the caller may read, never one that is not shared."""
    from displacement.models import SharingAgreement

    monkeypatch.setattr("displacement.selectors.filters.through_events.FEW_EVENTS", few_events)
    shared, unshared = shared_testimony(ngo), shared_testimony(ngo)
    old = EventFactory(organization=ngo, start=datetime.date(2022, 3, 1))
    TestimonyEvent.objects.create(testimony=shared, event=old, relation="witnessed")
    other_ngo = world["other"]
    foreign = EventFactory(organization=other_ngo, start=datetime.date(2022, 3, 2))
    TestimonyEvent.objects.create(testimony=unshared, event=foreign, relation="witnessed")
    url = "/api/v1/testimonies/?occurred_before=2022-06-01"
    assert [row["pk"] for row in staff.get(url).json()["results"]] == [shared.pk]
    assert len(partner.get(url).json()["results"]) == 1  # partners see pseudonyms, not pks
    # Events no longer shared: the partner's filter finds nothing, though the testimony is shared.
    SharingAgreement.objects.filter(partner=partner_org).update(record_kinds=["testimonies"])
    assert partner.get(url).json()["results"] == []
    assert [row["pk"] for row in staff.get("/api/v1/testimonies/?occurred_after=2022-01-01").json()["results"]] == [
        shared.pk
    ]


@pytest.mark.parametrize("common_share", [0.0, 2.0], ids=["walked", "listed"])
def test_search_finds_summaries_and_only_the_narratives_the_caller_may_read(
    client, partner, ngo, world, caseworker, coordinator, analyst, monkeypatch, common_share
):
    """Walked in page order (common words) or listed from the indexes (rare ones), a search
    gives the same rows: a summary's words for everyone, a narrative's only to whoever may
    read that narrative (its caseworker's own, a coordinator's), never a partner's."""
    monkeypatch.setattr("displacement.selectors.filters.search.COMMON_SHARE", common_share)
    in_summary = shared_testimony(ngo, summary="Shelling near the bridge", sensitivity="public")
    recorded = shared_testimony(ngo, narrative="the shelling reached us", interviewer=caseworker)
    unreadable = shared_testimony(ngo, narrative="shelling again", sensitivity="public")
    foreign = shared_testimony(world["other"], summary="Shelling", sensitivity="public")

    def found(user=None, caller=None):
        if caller is None:
            client.force_login(user)
            caller = client
        response = caller.get("/api/v1/testimonies/?q=shelling")
        assert response.status_code == 200
        return {row.get("pk", row["id"]) for row in response.json()["results"]}

    assert found(coordinator) == {in_summary.pk, recorded.pk, unreadable.pk}
    assert found(caseworker) == {in_summary.pk, recorded.pk}
    assert found(analyst) == {in_summary.pk}
    assert len(found(caller=partner)) == 1  # the summary alone, under a pseudonym
    assert foreign.pk not in found(coordinator)
    assert found(coordinator) - found(analyst) == {recorded.pk, unreadable.pk}


def test_a_plan_choice_is_remembered_per_caller_and_filters(staff, partner, world, ngo, monkeypatch):
    """The pages of one sync ask the same: the probe that chooses the plan runs once, and a
    partner's choice is never taken for staff (or another filter's)."""
    from displacement.selectors.filters import through_events as filters

    probes = []
    monkeypatch.setattr(filters, "_few", lambda events: probes.append(1) or True)
    for _ in range(3):
        assert staff.get("/api/v1/testimonies/?occurred_before=2022-06-01").status_code == 200
    assert len(probes) == 1
    partner.get("/api/v1/testimonies/?occurred_before=2022-06-01")
    staff.get("/api/v1/testimonies/?occurred_before=2022-06-02")
    assert len(probes) == 3


def test_a_changed_or_removed_membership_counts_at_the_next_request(client, coordinator, world):
    """The session's user comes with their membership in one query (``displacement.auth``),
    read afresh for every request: a coordinator made analyst no longer reads narratives, and
    one whose membership is removed reads nothing."""
    from displacement.models import Membership

    client.force_login(coordinator)
    url = "/api/v1/testimonies/"
    narratives = {row["narrative"] for row in client.get(url).json()["results"]}
    assert "Shared narrative." in narratives
    Membership.objects.filter(user=coordinator).update(role="analyst")
    assert {row["narrative"] for row in client.get(url).json()["results"]} == {None}
    Membership.objects.filter(user=coordinator).delete()
    assert client.get(url).status_code == 403


def test_no_filter_form_field_depends_on_the_request():
    """Filter forms share their fields between requests and threads (``selectors.filters``): a field
    whose choices came from the request (django-filter's QuerySetRequestMixin, a callable
    queryset) would serve one caller's choices to every other."""
    from django_filters.filters import QuerySetRequestMixin

    from displacement.selectors import filters

    filter_sets = [value for value in vars(filters).values() if isinstance(value, type)]
    filter_sets = [value for value in filter_sets if issubclass(value, filters.StrictFilterSet)]
    assert len(filter_sets) > 5
    for filter_set in filter_sets:
        for name, filter_ in filter_set.base_filters.items():
            assert not isinstance(filter_, QuerySetRequestMixin), f"{filter_set.__name__}.{name}"


@pytest.mark.parametrize("caller", ["partner", "staff"])
def test_search_reads_the_stored_words_and_pages_never_load_them(request, world, caller):
    client = request.getfixturevalue(caller)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/testimonies/?q=drone").status_code == 200
        assert client.get("/api/v1/testimonies/").status_code == 200
    searched, listed = [query["sql"] for query in captured.captured_queries if "LIMIT 51" in query["sql"]]
    assert '"summary_words" @@' in searched and "to_tsvector" not in searched
    select = listed.split(" FROM ")[0]
    assert "summary_words" not in select and "narrative_words" not in select


def test_the_date_floor_keeps_a_record_saved_the_day_before_and_a_year_one_date_is_no_error(staff, ngo):
    """A record may be saved, in UTC, the day before its local date (the database allows the
    day's margin): the floor keeps it. And the first days of the calendar have no day before."""
    day = datetime.date(2025, 3, 10)
    testimony = TestimonyFactory(organization=ngo, recorded_on=day)
    saved = datetime.datetime(2025, 3, 9, tzinfo=datetime.UTC)  # 00:00 UTC the day before
    type(testimony).objects.filter(pk=testimony.pk).update(updated_at=saved)
    listed = staff.get("/api/v1/testimonies/?recorded_after=2025-03-10").json()["results"]
    assert [row["pk"] for row in listed] == [testimony.pk]
    for first in ("1900-01-01", "1900-01-02"):  # the first days a filter may ask for
        assert staff.get(f"/api/v1/testimonies/?recorded_after={first}").status_code == 200
        assert staff.get(f"/api/v1/displacements/?occurred_after={first}").status_code == 200


def test_the_migration_names_the_records_its_check_would_refuse(ngo):
    import importlib

    migration = importlib.import_module("displacement.migrations.0011_recorded_not_after_saved")
    testimony = TestimonyFactory(organization=ngo)
    with connection.cursor() as cursor:  # as a database before the check: undone with the test
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending key checks
        cursor.execute("ALTER TABLE displacement_testimony DROP CONSTRAINT testimony_recorded_on_in_window")
    type(testimony).objects.filter(pk=testimony.pk).update(recorded_on=datetime.date(2099, 1, 1))
    editor = type("Editor", (), {"connection": connection})()
    with pytest.raises(RuntimeError, match=rf"displacement_testimony id {testimony.pk}: recorded_on 2099-01-01"):
        migration.refuse_future_dates(None, editor)


@pytest.mark.parametrize("caller", ["partner", "staff"])
@pytest.mark.parametrize("ordering", ["", "&ordering=-updated_at"], ids=["ascending", "descending"])
def test_a_rare_date_pages_the_same_from_the_links_window_as_from_every_match(
    request, world, ngo, monkeypatch, caller, ordering
):
    """A filter by an event date with few events reads a page's candidates from the links, in
    page order, a few pages' worth (``WINDOW_SLACK``); when the gate leaves too many out, the
    page is read again in full. Forward and back, the pages are those of the full read, ties in
    ``updated_at`` (the cursor's offset) included, and a partner never sees an unshared one."""
    from displacement.models import Testimony
    from displacement.selectors.filters import through_events as filters

    client = request.getfixturevalue(caller)
    events = [EventFactory(organization=ngo, start=datetime.date(2022, 3, day)) for day in (1, 2)]
    testimonies = []
    for number in range(14):
        # A third without consent to share: a partner's gate leaves them out of its pages.
        testimony = shared_testimony(ngo) if number % 3 else TestimonyFactory(organization=ngo)
        for event in events[: 1 + number % 2]:
            TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
        testimonies.append(testimony)
    Testimony.objects.filter(pk__in=[t.pk for t in testimonies[4:9]]).update(updated_at=timezone.now())
    monkeypatch.setattr(filters, "WINDOW_SLACK", 1)
    windows = []
    original = filters.ThroughEventFilter._first_in_page_order
    monkeypatch.setattr(
        filters.ThroughEventFilter,
        "_first_in_page_order",
        staticmethod(lambda *args: windows.append(1) or original(*args)),
    )

    def walk(url, direction):
        pages = []
        while url:
            body = client.get(url).json()
            pages.append([row.get("pk", row["id"]) for row in body["results"]])
            url, last = body[direction], url
        return pages, last

    first = f"/api/v1/testimonies/?occurred_before=2022-06-01&page_size=2{ordering}"
    forward, last = walk(first, "next")
    backward, _ = walk(last, "previous")
    assert windows, "the window was not used"
    monkeypatch.setattr(filters, "WINDOW_LOOKUPS", set())
    assert (forward, backward) == (walk(first, "next")[0], walk(last, "previous")[0])
    expected = 14 if caller == "staff" else 9  # and the world's own shared testimony has no link
    assert len({row for page in forward for row in page}) == sum(map(len, forward)) == expected
    if caller == "staff":
        # Nothing left out by the gate, a window of four pages: each page from its window alone.
        from api.pagination import UpdatedCursorPagination

        monkeypatch.setattr(filters, "WINDOW_LOOKUPS", {"start__gte", "start__lte"})
        monkeypatch.setattr(filters, "WINDOW_SLACK", 4)
        whole = []
        followed = UpdatedCursorPagination._followed
        monkeypatch.setattr(
            UpdatedCursorPagination, "_followed", lambda self: whole.append(followed(self)) or whole[-1]
        )
        assert walk(first, "next")[0] == forward
        assert whole and all(whole), "a page was read again in full"


def test_an_export_filtered_by_a_rare_date_holds_every_match(staff, ngo, monkeypatch):
    """An export is not a page: it reads no window (``page_window``), whatever its size, and
    holds every testimony that speaks of an event of those dates."""
    from displacement.selectors.filters import through_events as filters

    monkeypatch.setattr(filters, "WINDOW_SLACK", 1)
    event = EventFactory(organization=ngo, start=datetime.date(2022, 3, 1))
    testimonies = [shared_testimony(ngo) for _ in range(8)]
    for testimony in testimonies:
        TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    response = staff.get("/api/v1/testimonies/?occurred_before=2022-06-01&page_size=2&format=csv")
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()[2:]  # header and HXL rows
    assert sorted(row.split(",")[0] for row in rows) == sorted(t.code for t in testimonies)


@pytest.mark.parametrize("resource", ["households", "displacements", "cases"])
def test_whether_a_household_is_shared_is_one_probe_of_the_index_of_sharing_testimonies(partner, world, resource):
    """A restricted testimony shares nothing: the index leaves them out, so the test stays one
    index-only probe and reads no testimony."""
    plan = _page_plan(partner, f"/api/v1/{resource}/")
    scans = [node for node in _nodes(plan) if node.get("Index Name") == "testimony_sharing_hh_idx"]
    assert scans and all(node["Node Type"] == "Index Only Scan" for node in scans)
