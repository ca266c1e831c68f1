"""The one write path for records created or changed through the API.

Validates the whole record with its model rules and database constraints, sets the owner
on creation, and saves in one transaction with the acting user recorded in the history.
"""

from __future__ import annotations

from django.db import transaction

from displacement.services.acting import acting


def record_save(*, instance, data: dict, organization, by=None):
    m2m = {name: data.pop(name) for name in list(data) if instance._meta.get_field(name).many_to_many}
    for name, value in data.items():
        setattr(instance, name, value)
    creating = instance.pk is None
    if creating and hasattr(instance, "organization_id") and not instance.organization_id:
        instance.organization = organization
    if creating and hasattr(instance, "created_by_id") and by is not None:
        instance.created_by = by
    instance.full_clean()
    with transaction.atomic(), acting(by):
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
    return instance
