"""The intake mapping's thread: results in order, its errors raised in the import, stopped when
the import stops early."""

import threading

import pytest

from displacement.importers import intake_mapping
from displacement.importers.intake_mapping import Lookups, mapped_in_background


def _lookups():
    return Lookups(places={}, households={}, events={}, users={})


def _mapping_threads():
    return [t for t in threading.enumerate() if t.name == "intake-mapping"]


def test_results_come_in_the_submissions_order(monkeypatch):
    monkeypatch.setattr(intake_mapping, "map_submission", lambda s, lookups: (f"values {s}", []))
    mapped = list(mapped_in_background(list(range(23)), _lookups(), chunk=5))
    assert mapped == [(n, f"values {n}", []) for n in range(23)]
    assert not _mapping_threads()


def test_an_error_in_the_thread_is_raised_in_the_import(monkeypatch):
    def fails(submission, lookups):
        if submission == 7:
            raise RuntimeError("mapping failed")
        return None, [("q", "m")]

    monkeypatch.setattr(intake_mapping, "map_submission", fails)
    with pytest.raises(RuntimeError, match="mapping failed"):
        list(mapped_in_background(list(range(20)), _lookups(), chunk=3))
    assert not _mapping_threads()


def test_the_import_stopping_early_stops_the_thread(monkeypatch):
    monkeypatch.setattr(intake_mapping, "map_submission", lambda s, lookups: (s, []))
    mapped = mapped_in_background(list(range(10_000)), _lookups(), chunk=10)
    assert next(mapped)[0] == 0
    mapped.close()
    assert not _mapping_threads()


def test_the_thread_maps_in_the_callers_language_and_time_zone(monkeypatch):
    from django.utils import timezone, translation

    def where(submission, lookups):
        return (translation.get_language(), timezone.get_current_timezone_name()), []

    monkeypatch.setattr(intake_mapping, "map_submission", where)
    with translation.override("uk"), timezone.override("Pacific/Kiritimati"):
        mapped = list(mapped_in_background([1], _lookups()))
    assert mapped == [(1, ("uk", "Pacific/Kiritimati"), [])]
