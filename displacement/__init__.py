"""Displacement case tracking: testimonies, events, households and cases for NGOs in war."""

from .celery import app as celery_app

__all__ = ["celery_app"]
