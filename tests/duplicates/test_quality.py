"""On a labelled synthetic set, suggestions and the nightly pass find at least 90% of the
injected duplicates, and at least 90% of what they find is right (the bench measures the
same at full size: bench/duplicates.py)."""

import pytest

from bench.duplicates import load_labelled, suggest_for_sample
from displacement.duplicates.labelled import labelled_set
from displacement.duplicates.quality import pair_quality, suggestion_quality
from displacement.models import HouseholdDuplicateCandidate
from displacement.services.household_duplicates import household_duplicates_find

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(ngo):
    records = labelled_set(1500, seed=3)
    household_of = load_labelled(records, ngo)
    return records, household_of, {r.id: r.cluster for r in records}


def test_suggestions_for_a_new_household_reach_the_targets(loaded, ngo):
    records, household_of, clusters = loaded
    suggested, _ = suggest_for_sample(records, household_of, ngo, queries=300)
    quality = suggestion_quality(suggested, clusters)
    assert quality.expected >= 140  # half the sample are duplicates
    assert quality.recall >= 0.9, quality
    assert quality.precision >= 0.9, quality


def test_the_nightly_pass_reaches_the_targets(loaded, ngo):
    _, household_of, clusters = loaded
    household_duplicates_find(organization=ngo)
    pairs = HouseholdDuplicateCandidate.objects.values_list("household_id", "other_id")
    quality = pair_quality(((household_of[a], household_of[b]) for a, b in pairs), clusters)
    assert quality.expected >= 100  # a tenth of the households registered twice
    assert quality.recall >= 0.9, quality
    assert quality.precision >= 0.9, quality
