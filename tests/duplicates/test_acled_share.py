"""On a synthetic ACLED-shaped import: ACLED's own distinct events do not flood the queue, its
double entries and the field teams' accounts of its events are found."""

import pytest

from bench.event_duplicates import load, share_without_acled_rule, shares
from displacement.services.event_duplicates import event_duplicates_check_run

pytestmark = pytest.mark.django_db


def test_an_acled_import_flags_few_of_its_events_and_finds_the_doubles_and_the_accounts(ngo):
    loaded = load(ngo, events=3000, field_reports=80)
    assert loaded["run"].created == 3000 and loaded["run"].rejected == 0
    event_duplicates_check_run(run_id=loaded["run"].pk)
    found = shares(ngo, loaded)
    assert found["twins"] >= 1 and found["twins_found"] == found["twins"]
    assert found["acled_pairs"] == found["twins"], "two distinct ACLED events are never a pair"
    assert found["accounts_found"] == found["accounts"] == 40
    assert found["acled_share"] < 0.05
    assert found["acled_by_acled"] < 0.005
    assert share_without_acled_rule(ngo) > 4 * found["acled_share"]  # what the rule spares the queue
