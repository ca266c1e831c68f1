"""Reader for OCHA Common Operational Dataset (COD-AB) tabular files.

A COD tabular CSV has one row per unit of its deepest level and columns such as
``ADM3_PCODE, ADM3_EN, ADM3_UA, ADM3_RU, ADM2_PCODE, ..., ADM0_PCODE`` plus optional
``ADMn_LAT_CENTROID`` / ``ADMn_LON_CENTROID``. Every row therefore describes a unit and
all its ancestors. This module turns one or more such files into one consistent set of
units, or a list of row-level errors; it never writes to the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

_PCODE = re.compile(r"^[A-Z]{2,3}[0-9A-Z]*$")
_LANG_COLUMN = re.compile(r"^ADM(\d)_(?:ALT\d*_?)?([A-Z]{2})$")
_ALIAS_COLUMN = re.compile(r"^ADM(\d)_(?:[A-Z]{2}_COD_PS|NAME_[A-Z]+_PS|ALT\d*[A-Z]{2})$")
_LOCAL_NAME_LANGS = {"UA", "UK"}


@dataclass
class Unit:
    pcode: str
    level: int
    parent: str | None
    name_en: str = ""
    name_uk: str = ""
    aliases: list[str] = field(default_factory=list)
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass
class RowError:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}, line {self.line}: {self.reason}"


class CodFileError(Exception):
    """The files cannot be loaded; ``errors`` says where and why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s):\n{shown}{more}")


def _columns_by_level(header: list[str]) -> dict[int, dict[str, list[str]]]:
    levels: dict[int, dict[str, list[str]]] = {}
    for column in header:
        upper = column.strip().upper()
        if m := re.match(r"^ADM(\d)_PCODE$", upper):
            levels.setdefault(int(m[1]), {}).setdefault("pcode", []).append(column)
        elif m := re.match(r"^ADM(\d)_LAT(?:_CENTROID)?$", upper):
            levels.setdefault(int(m[1]), {}).setdefault("lat", []).append(column)
        elif m := re.match(r"^ADM(\d)_LON(?:_CENTROID)?$", upper):
            levels.setdefault(int(m[1]), {}).setdefault("lon", []).append(column)
        elif m := _LANG_COLUMN.match(upper):
            kind = "en" if m[2] == "EN" else "uk" if m[2] in _LOCAL_NAME_LANGS else "alias"
            levels.setdefault(int(m[1]), {}).setdefault(kind, []).append(column)
        elif m := _ALIAS_COLUMN.match(upper):
            levels.setdefault(int(m[1]), {}).setdefault("alias", []).append(column)
    return levels


def _coordinate(raw: str, low: int, high: int) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{raw} is outside {low}..{high}")
    return value


def read_cod_files(paths: list[Path | str]) -> list[Unit]:
    """Merge the units described by ``paths``; raise CodFileError listing every problem."""
    units: dict[str, Unit] = {}
    errors: list[RowError] = []
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(RowError(path.name, 0, f"cannot read the file: {exc}"))
            continue
        _read_one(path.name, text, units, errors)
    if not units and not errors:
        errors.append(RowError(", ".join(Path(p).name for p in paths), 0, "no administrative units found"))
    for unit in units.values():
        if unit.level > 0 and unit.parent is None:
            errors.append(
                RowError(
                    "(all files)",
                    0,
                    f"{unit.pcode}: no parent (add the ADM{unit.level - 1}_PCODE column or its file)",
                )
            )
        elif unit.parent is not None and unit.parent not in units:
            errors.append(RowError("(all files)", 0, f"{unit.pcode}: parent {unit.parent} is not defined"))
    if errors:
        raise CodFileError(errors)
    return sorted(units.values(), key=lambda u: (u.level, u.pcode))


def _read_one(name: str, text: str, units: dict[str, Unit], errors: list[RowError]) -> None:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        errors.append(RowError(name, 1, "the file is empty"))
        return
    levels = _columns_by_level(header)
    if not any("pcode" in cols for cols in levels.values()):
        errors.append(RowError(name, 1, "no ADMn_PCODE column: this is not an OCHA COD tabular file"))
        return
    index = {column: i for i, column in enumerate(header)}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if row[0].startswith("#"):
            continue  # an HXL hashtag row
        if len(row) != len(header):
            errors.append(RowError(name, line, f"{len(row)} cells where the header has {len(header)}"))
            continue

        def cell(column: str, row=row) -> str:
            return row[index[column]].strip()

        previous_pcode: str | None = None
        for level in sorted(levels):
            cols = levels[level]
            if "pcode" not in cols:
                continue
            pcode = cell(cols["pcode"][0]).upper()
            if not pcode:
                errors.append(RowError(name, line, f"ADM{level}_PCODE is empty"))
                break
            if not _PCODE.match(pcode):
                errors.append(RowError(name, line, f"{pcode!r} is not a P-code"))
                break
            try:
                latitude = _coordinate(cell(cols["lat"][0]), -90, 90) if "lat" in cols else None
                longitude = _coordinate(cell(cols["lon"][0]), -180, 180) if "lon" in cols else None
            except ValueError as exc:
                errors.append(RowError(name, line, f"ADM{level} centroid: {exc}"))
                break
            candidate = Unit(
                pcode=pcode,
                level=level,
                parent=previous_pcode,
                name_en=cell(cols["en"][0]) if "en" in cols else "",
                name_uk=cell(cols["uk"][0]) if "uk" in cols else "",
                aliases=[cell(c) for c in cols.get("alias", []) if cell(c)],
                latitude=latitude,
                longitude=longitude,
            )
            problem = _merge(units, candidate)
            if problem:
                errors.append(RowError(name, line, problem))
                break
            previous_pcode = pcode


def _merge(units: dict[str, Unit], new: Unit) -> str | None:
    old = units.get(new.pcode)
    if old is None:
        units[new.pcode] = new
        return None
    if old.level != new.level:
        return f"{new.pcode} is at admin level {new.level} here but {old.level} elsewhere"
    if new.parent is not None and old.parent is not None and old.parent != new.parent:
        return f"{new.pcode} has parent {new.parent} here but {old.parent} elsewhere"
    old.parent = old.parent or new.parent
    old.name_en = old.name_en or new.name_en
    old.name_uk = old.name_uk or new.name_uk
    for alias in new.aliases:
        if alias not in old.aliases:
            old.aliases.append(alias)
    if old.latitude is None:
        old.latitude, old.longitude = new.latitude, new.longitude
    return None
