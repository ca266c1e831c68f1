"""Writes to the gazetteer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from displacement.importers.cod import Unit, read_cod_files
from displacement.models import Place

UKRAINE_FILES = [
    Path(__file__).resolve().parent.parent / "data" / "places" / name
    for name in (
        "ukr_admin0_country.csv",
        "ukr_admin1_oblasts_pcodes.csv",
        "ukr_admin2_raions_pcodes.csv",
        "ukr_admin1_admin2_admin3_pcodes.csv",
        "ukr_acled_aliases.csv",  # ACLED's oblast spellings, as aliases (docs/imports.md)
    )
]
_FIELDS = ("name_en", "name_uk", "aliases", "admin_level", "latitude", "longitude")


@dataclass
class PlacesLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def places_load(
    *,
    paths: list[Path | str],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PlacesLoadResult:
    """Load OCHA COD tabular files: all or nothing, idempotent, parents before children.

    Raises CodFileError (with every bad line and its reason) before writing anything.
    """
    units = read_cod_files(paths)
    result = PlacesLoadResult()
    with transaction.atomic():
        existing = {p.pcode: p for p in Place.objects.filter(pcode__in=[u.pcode for u in units])}
        by_level: dict[int, list[Unit]] = {}
        for unit in units:
            by_level.setdefault(unit.level, []).append(unit)
        done = 0
        for level in sorted(by_level):
            parents = {
                p.pcode: p.pk for p in Place.objects.filter(pcode__in={u.parent for u in by_level[level] if u.parent})
            }
            to_create, to_update = [], []
            for unit in by_level[level]:
                values = {
                    "name_en": unit.name_en or unit.pcode,
                    "name_uk": unit.name_uk,
                    "aliases": [a for a in unit.aliases if a not in (unit.name_en, unit.name_uk)],
                    "admin_level": unit.level,
                    "latitude": unit.latitude,
                    "longitude": unit.longitude,
                    "parent_id": parents.get(unit.parent),
                }
                place = existing.get(unit.pcode)
                if place is None:
                    to_create.append(Place(pcode=unit.pcode, **values))
                elif any(getattr(place, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(place, key, value)
                    to_update.append(place)
                else:
                    result.unchanged += 1
            Place.objects.bulk_create(to_create, batch_size=1000)
            Place.objects.bulk_update(to_update, [*_FIELDS, "parent"], batch_size=1000)
            result.created += len(to_create)
            result.updated += len(to_update)
            done += len(by_level[level])
            if progress:
                progress(done, len(units))
        if dry_run:
            transaction.set_rollback(True)
    return result
