"""The CSV computed by PostgreSQL (``selectors.flat``) is the projections' CSV, byte for byte,
for a partner and for each staff role, on a world with every case a row can be in."""

import csv
import datetime
import io

import psycopg
import pytest
from rest_framework.test import APIClient

from api import base
from displacement.models import Consent, SharingAgreement, TestimonyEvent
from displacement.models.vocab import ConsentPurpose, Sensitivity, TestimonyRelation
from tests.api.conftest import ALL_KINDS
from tests.factories import CaseFactory, EventFactory, HouseholdFactory, TestimonyFactory

HIDDEN = "A narrative no partner may read."
#: 30 December 2024 is in ISO week 1 of 2025; 3 January 2021 in week 53 of 2020.
DAYS = [datetime.date(2024, 12, 30), datetime.date(2025, 6, 15), datetime.date(2021, 1, 3), datetime.date(2023, 3, 9)]


def _consent(testimony, purpose, *, withdrawn=False):
    consent = Consent.objects.create(testimony=testimony, purpose=purpose)
    if withdrawn:
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at="2025-06-01T10:00:00Z")


@pytest.fixture
def varied(ngo, other_ngo, partner_org, caseworker):
    # The NGO shares everything; the other NGO shares testimonies but not its events.
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=ALL_KINDS, purposes=["statistics"])
    # Their dates about people: the NGO's by ISO week (the default), the other NGO's by month.
    SharingAgreement.objects.create(
        owner=other_ngo, partner=partner_org, record_kinds=["testimonies"], purposes=["statistics"],
        date_precision="month",
    )  # fmt: skip
    for organization in (ngo, other_ngo, partner_org):
        events = [EventFactory(organization=organization) for _ in range(3)]
        assigned = HouseholdFactory(organization=organization, **({"code": ""} if organization == ngo else {}))
        if organization == ngo:
            CaseFactory(household=assigned, assigned_to=caseworker)
        households = [HouseholdFactory(organization=organization, code=f'-{organization.code},"hh"'), assigned, None]
        texts = [
            '=HYPERLINK("x")',
            "+380 50 123 4567",
            'Said "go", then left,\nat night.',
            "Київ, школа",
            "",
            "back\\slash\ttab",
            "\tleading tab",
            "-5 people",
            " leading space, \r\n and a CR",
            "@home",
            "100% of %s, %(t1)s and %%",  # the partner's lines are %-format templates
            "%(e99999999999999999999)s %(e",  # no event of that id: text, not a placeholder
        ]
        for number in range(12):
            testimony = TestimonyFactory(
                organization=organization,
                household=households[number % 3],
                sensitivity=[Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.RESTRICTED][number % 3],
                summary=texts[number % len(texts)],
                narrative=texts[(number + 3) % len(texts)],
                interviewer=caseworker if number % 4 == 0 else None,
                recorded_on=DAYS[number % len(DAYS)],
                code=""
                if (organization, number) == (ngo, 5)
                else f'{"=" if number == 7 else ""}{organization.code},T"{number}',
            )
            if number % 2 == 0:
                _consent(testimony, ConsentPurpose.SHARING, withdrawn=number % 6 == 4)
            if number % 3 == 1:
                _consent(testimony, ConsentPurpose.STATISTICS)
            for event in events[: number % 4]:
                relation = list(TestimonyRelation)[(number + event.pk) % 3]
                TestimonyEvent.objects.create(testimony=testimony, event=event, relation=relation)
        # Shared, but their narratives are not: internal with an active consent, public with
        # a withdrawn one.
        internal = TestimonyFactory(organization=organization, sensitivity=Sensitivity.INTERNAL, narrative=HIDDEN)
        _consent(internal, ConsentPurpose.SHARING)
        withdrawn = TestimonyFactory(organization=organization, sensitivity=Sensitivity.PUBLIC, narrative=HIDDEN)
        _consent(withdrawn, ConsentPurpose.SHARING, withdrawn=True)
        _consent(withdrawn, ConsentPurpose.STATISTICS)


def _both(client, path, monkeypatch):
    fast = b"".join(client.get(path).streaming_content)
    with monkeypatch.context() as patch:
        patch.setattr(base.flat, "ROWS", {})
        slow = b"".join(client.get(path).streaming_content)
    return fast, slow


@pytest.mark.parametrize(
    "path", ["/api/v1/testimonies/?format=csv", "/api/v1/testimonies/?format=csv&ordering=-recorded_on"]
)
def test_a_partner_gets_the_projections_file(partner, varied, path, monkeypatch):
    fast, slow = _both(partner, path, monkeypatch)
    assert fast == slow
    text = fast.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # The partner's own 14, and from each sharing NGO two public testimonies and one internal.
    assert len(rows) == 2 + 14 + 3 + 3 and "'=HYPERLINK" in text and "te_" in text and "ev_" in text
    assert "100% of %s, %(t1)s and %%" in text and "%(e99999999999999999999)s %(e" in text
    assert HIDDEN not in text
    # Dates about people: its own to the day, the NGO's by ISO week, the other NGO's by month.
    recorded = {row[1] for row in rows[2:]}
    assert {"2024-12-30", "2021-01-03", "2025-W01", "2020-W53", "2024-12", "2021-01"} <= recorded


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
def test_each_staff_role_gets_the_projections_file(role, request, varied, monkeypatch):
    client = APIClient()
    client.force_login(request.getfixturevalue(role))
    fast, slow = _both(client, "/api/v1/testimonies/?format=csv", monkeypatch)
    assert fast == slow
    rows = list(csv.reader(io.StringIO(fast.decode("utf-8-sig"))))
    assert len(rows) == 2 + 14  # the header, the hashtags and the NGO's 14 testimonies


@pytest.mark.django_db(transaction=True)  # autocommit, as a server runs: no test transaction around it
@pytest.mark.parametrize("who", ["partner", "coordinator"])
def test_a_client_that_goes_away_ends_the_export_and_is_logged(who, request, gazetteer, varied, monkeypatch):
    from displacement.models import AccessLog, Testimony

    monkeypatch.setattr(base.flat, "BATCH", 1)  # a line to a chunk
    if who == "partner":
        client = request.getfixturevalue("partner")
    else:
        client = APIClient()
        client.force_login(request.getfixturevalue(who))
    response = client.get("/api/v1/testimonies/?format=csv")
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks), next(chunks)  # the header, then two lines
    response.close()  # mid-file, as a server does when the client goes away
    entry = AccessLog.objects.filter(detail__format="csv").latest("pk")
    assert 2 <= len(entry.object_ids) < 14  # what was read, not the whole list
    assert Testimony.objects.count() == 42  # the connection is usable again


def test_an_abandoned_export_leaves_the_enclosing_transaction_usable(varied, monkeypatch):
    from django.db.models import Func, TextField, Value

    from displacement.models import Testimony

    monkeypatch.setattr(base.flat, "BATCH", 1)  # a row to a chunk
    # Rows big enough that PostgreSQL is still sending when the reader stops.
    big = Func(Value("x"), Value(200_000), function="repeat", output_field=TextField())
    rows = base.flat._streamed(Testimony.objects.values_list("pk", big))
    next(rows)
    rows.close()  # mid-stream: the cancel must not abort the test's transaction
    assert Testimony.objects.count() == 42


def test_a_big_export_is_logged_in_parts_with_every_id(partner, varied, ngo, monkeypatch):
    from displacement.models import AccessLog

    monkeypatch.setattr(base, "EXPORT_LOG_PART", 5)
    body = b"".join(partner.get("/api/v1/testimonies/?format=csv").streaming_content).decode("utf-8-sig")
    sent = [row[0] for row in csv.reader(io.StringIO(body))][2:]
    mine = AccessLog.objects.filter(api_key__gt="", detail__partner__isnull=True, detail__format="csv")
    assert sorted(entry.detail["part"] for entry in mine) == [1, 2, 3, 4]
    assert {entry.detail["parts"] for entry in mine} == {4}
    assert sorted(i for entry in mine for i in entry.object_ids) == sorted(sent)  # as the partner saw them
    owners = AccessLog.objects.filter(organization=ngo, detail__format="csv")
    assert sum(len(entry.object_ids) for entry in owners) == 3  # the NGO's three shared testimonies


def test_an_export_that_runs_too_long_is_stopped(varied, settings):
    from django.db import OperationalError
    from django.db.models import Func, TextField, Value

    from displacement.models import Testimony

    settings.EXPORT_TIMEOUT_SECONDS = 1
    slow = Func(Value(0.2), function="pg_sleep", output_field=TextField())  # 0.2 s a row, 42 rows
    with pytest.raises((OperationalError, psycopg.errors.QueryCanceled), match="statement timeout"):
        list(base.flat._streamed(Testimony.objects.values_list("pk", slow)))
    assert Testimony.objects.count() == 42  # and the connection is usable again


def test_an_export_sorts_with_its_own_work_mem(varied, settings):
    from django.db import connection
    from django.db.models import Func, TextField, Value

    from displacement.models import Testimony

    settings.EXPORT_WORK_MEM_MB = 48
    setting = Func(Value("work_mem"), function="current_setting", output_field=TextField())
    assert {row for batch in base.flat._streamed(Testimony.objects.values_list(setting)) for row in batch} == {
        ("48MB",)
    }
    with connection.cursor() as cursor:  # for that statement only
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] != "48MB"


def test_a_vocabulary_is_written_as_it_is_only_when_no_word_needs_quotes_or_an_apostrophe():
    from django.db.models import F, TextChoices

    from displacement.selectors.flat import Cell, vocabulary_cell

    class Plain(TextChoices):
        ONE, TWO = "one", "two_words"

    class Comma(TextChoices):
        ONE, TWO = "one", "a,b"

    class Formula(TextChoices):
        ONE, TWO = "one", "-minus"

    assert vocabulary_cell("language", Plain) == F("language")
    assert isinstance(vocabulary_cell("language", Comma), Cell)
    assert isinstance(vocabulary_cell("language", Formula), Cell)
