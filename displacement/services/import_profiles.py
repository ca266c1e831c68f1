"""Writes to import profiles: checked against the intake form and the gazetteer, then saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from displacement.importers.profile_documents import read_profile_document
from displacement.importers.profile_rules import pcodes_to_check, profile_errors
from displacement.models import ImportProfile
from displacement.selectors.import_profiles import known_pcodes
from displacement.services.acting import acting


def import_profile_check(profile: ImportProfile) -> None:
    """Raise a ``ValidationError`` by field when ``profile`` is not one an import can apply:
    its fields (name unique in the organisation), every target a question of the intake form,
    every value-map target and default one of that question's choices (a place: a P-code of
    the gazetteer at the question's level)."""
    errors: dict[str, list[str]] = {}
    try:
        profile.full_clean()
    except ValidationError as exc:
        errors = {name: list(messages) for name, messages in exc.message_dict.items()}
    try:
        _check_rules(profile)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_rules(profile: ImportProfile) -> None:
    errors: dict[str, list[str]] = {}
    rules = {"mappings": profile.mappings, "value_maps": profile.value_maps, "defaults": profile.defaults}
    errors.update(profile_errors(**rules))
    if not errors:
        wanted = pcodes_to_check(**rules)
        known = known_pcodes({code: level for code, (level, _where) in wanted.items()})
        for code, (level, where) in sorted(wanted.items()):
            if code not in known:
                for name in sorted(set(where)):
                    errors.setdefault(name, []).append(f"{code!r} is no place of admin level {level} in the gazetteer.")
    if errors:
        raise ValidationError(errors)


def import_profile_save(*, profile: ImportProfile, by=None) -> ImportProfile:
    """Create or change ``profile`` (its organisation set), checked, in one transaction."""
    import_profile_check(profile)
    if profile.pk is None and by is not None:
        profile.created_by = by
    with transaction.atomic(), acting(by):
        profile.save()
    return profile


def import_profile_read(*, organization, data) -> ImportProfile:
    """The profile of a JSON document (``importers.profile_documents``), checked and not saved:
    for an import given the file itself (``--profile-file``). A ``ValidationError`` says what
    is wrong and where."""
    fields = read_profile_document(data)
    profile = ImportProfile(organization=organization, **fields)
    _check_rules(profile)
    return profile


def import_profile_load(*, organization, data, by=None, replace: bool = False) -> ImportProfile:
    """Save the profile of a JSON document: a new one, or, with ``replace``, the organisation's
    profile of the same name rewritten. Nothing is saved when the document or its rules are
    wrong (a ``ValidationError`` says where)."""
    fields = read_profile_document(data)
    existing = ImportProfile.objects.filter(organization=organization, name=fields["name"]).first()
    if existing is not None and not replace:
        raise ValidationError(
            {"name": [f"The organisation already has a profile called {fields['name']!r}: replace it, or rename one."]}
        )
    profile = existing or ImportProfile(organization=organization)
    blank = ImportProfile()
    for name in ("description", "source", "form_id", "mappings", "value_maps", "defaults"):
        setattr(profile, name, fields.get(name, getattr(blank, name)))
    profile.name = fields["name"]
    return import_profile_save(profile=profile, by=by)


def import_profile_delete(*, profile: ImportProfile, by=None) -> None:
    with transaction.atomic(), acting(by):
        profile.delete()
