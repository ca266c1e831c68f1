"""Every vocabulary column holds a word of its vocabulary in the database (``models.checks``),
as the forms and the API hold it: an import, a script or an ORM call with another word fails."""

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import IntegrityError, connection, transaction
from pghistory.models import Event as HistoryEvent

from displacement import models as m
from tests.factories import CaseFactory, EventFactory, TestimonyFactory

pytestmark = pytest.mark.django_db


def _vocabulary_columns():
    for model in [*apps.get_app_config("displacement").get_models(), *apps.get_app_config("api").get_models()]:
        if issubclass(model, HistoryEvent) or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            base = field.base_field if isinstance(field, ArrayField) else field
            if base.choices:
                yield model, field


COLUMNS = list(_vocabulary_columns())


def test_the_walk_finds_the_vocabulary_columns():
    names = {(model.__name__, field.name) for model, field in COLUMNS}
    assert {("Consent", "purpose"), ("Testimony", "language"), ("Case", "needs"), ("Event", "weapon")} <= names


@pytest.mark.parametrize(("model", "field"), COLUMNS, ids=[f"{m_.__name__}.{f.name}" for m_, f in COLUMNS])
def test_every_vocabulary_column_has_its_check_in_the_database(model, field):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    name = f"{model._meta.model_name}_{field.name}_known"
    assert name in constraints and constraints[name]["check"], name


def test_an_unknown_consent_purpose_is_refused_by_the_database():
    testimony = TestimonyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Consent.objects.create(testimony=testimony, purpose="selling_to_brokers")


def test_an_array_of_words_holds_only_words_of_its_vocabulary():
    case = CaseFactory()
    m.Case.objects.filter(pk=case.pk).update(needs=["food", "shelter"])
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Case.objects.filter(pk=case.pk).update(needs=["food", "weapons"])


def test_an_optional_vocabulary_column_may_stay_empty_but_not_hold_another_word():
    event = EventFactory(weapon="")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Event.objects.filter(pk=event.pk).update(weapon="slingshot")


def test_full_clean_asks_the_database_nothing_for_the_generated_checks():
    """The fields check the same words and dates in Python; Django would otherwise run one query
    per CHECK to validate a record (a dozen for an event)."""
    from django.test.utils import CaptureQueriesContext

    from displacement.models.checks import FieldCheck

    event = EventFactory()
    # Written by hand (CHECKs, conditional unique constraints): Django checks these by query.
    written = [c for c in m.Event._meta.constraints if c.condition is not None and not isinstance(c, FieldCheck)]
    generated = [c for c in m.Event._meta.constraints if isinstance(c, FieldCheck)]
    assert len(generated) >= 10
    with CaptureQueriesContext(connection) as queries:
        event.full_clean()
    assert len([query for query in queries.captured_queries if '"_check"' in query["sql"]]) <= len(written)
