"""Helpers for tests that run real processes (a Celery worker on the real broker)."""
