"""The columns of every list's CSV, with their HXL hashtags, and how a projection's value
becomes a cell: one definition for the API's files and the scheduled reports.

The first row names the columns, the second carries HXL hashtags (humanitarian tools such
as HDX and libhxl read them), then one row per record.
"""

from __future__ import annotations

from collections.abc import Iterable

#: For each list: (column, HXL hashtag, how to get the value from a projection row).
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "events": [
        ("id", "#event+id"),
        ("category", "#event+category"),
        ("event_type", "#event+type"),
        ("sub_event_type", "#event+subtype"),
        ("displacement_kind", "#event+type+displacement"),
        ("weapon", "#item+weapon"),
        ("target", "#loc+type+target"),
        ("start", "#date+occurred"),
        ("end", "#date+end"),
        ("date_precision", "#meta+date_precision"),
        ("adm1_pcode", "#adm1+code"),
        ("adm1_name", "#adm1+name"),
        ("adm2_pcode", "#adm2+code"),
        ("adm2_name", "#adm2+name"),
        ("killed", "#affected+killed"),
        ("injured", "#affected+injured"),
        ("affected", "#affected+total"),
        ("civilian_targeting", "#meta+civilian_targeting"),
        ("verification_status", "#status+verification"),
        ("independent_sources", "#meta+sources+independent"),
        ("single_source", "#meta+sources+single"),
        ("sources_testimony", "#meta+sources+testimony"),
        ("sources_media", "#meta+sources+media"),
        ("sources_official", "#meta+sources+official"),
        ("sources_partner_report", "#meta+sources+partner_report"),
        ("sources_satellite", "#meta+sources+satellite"),
        ("updated_at", "#date+updated"),
    ],
    "testimonies": [
        ("id", "#meta+id+testimony"),
        ("recorded_on", "#date+recorded"),
        ("language", "#meta+language"),
        ("witness_role", "#meta+witness_role"),
        ("household", "#meta+id+household"),
        ("summary", "#description+summary"),
        ("narrative", "#description+narrative"),
        ("sensitivity", "#status+sensitivity"),
        ("events", "#event+id+list"),
        ("updated_at", "#date+updated"),
    ],
    "displacements": [
        ("id", "#meta+id+displacement"),
        ("household", "#meta+id+household"),
        ("origin_adm1_pcode", "#adm1+code+origin"),
        ("origin_adm1_name", "#adm1+name+origin"),
        ("origin_adm2_pcode", "#adm2+code+origin"),
        ("origin_adm2_name", "#adm2+name+origin"),
        ("destination_adm1_pcode", "#adm1+code+dest"),
        ("destination_adm1_name", "#adm1+name+dest"),
        ("destination_adm2_pcode", "#adm2+code+dest"),
        ("destination_adm2_name", "#adm2+name+dest"),
        ("left_on", "#date+departure"),
        ("arrived_on", "#date+arrival"),
        ("cause", "#event+id+cause"),
        ("shelter_type", "#meta+shelter"),
        ("people_count", "#affected+displaced"),
        ("updated_at", "#date+updated"),
    ],
    "households": [
        ("id", "#meta+id+household"),
        ("size", "#affected+total"),
        ("children", "#affected+children"),
        ("members", "#meta+members"),
        ("vulnerabilities", "#meta+vulnerabilities"),
        ("current_adm1_pcode", "#adm1+code+current"),
        ("current_adm1_name", "#adm1+name+current"),
        ("current_adm2_pcode", "#adm2+code+current"),
        ("current_adm2_name", "#adm2+name+current"),
        ("updated_at", "#date+updated"),
    ],
    "cases": [
        ("id", "#meta+id+case"),
        ("household", "#meta+id+household"),
        ("status", "#status+case"),
        ("priority", "#meta+priority"),
        ("needs", "#sector+needs"),
        ("opened_on", "#date+opened"),
        ("closed_on", "#date+closed"),
        ("updated_at", "#date+updated"),
    ],
    "places": [
        ("pcode", "#adm+code"),
        ("name_en", "#adm+name+i_en"),
        ("name_uk", "#adm+name+i_uk"),
        ("admin_level", "#geo+admin_level"),
        ("parent", "#adm+code+parent"),
    ],
    "sources": [
        ("id", "#meta+id+source"),
        ("kind", "#meta+source_type"),
        ("title", "#meta+source"),
        ("publisher", "#org+publisher"),
        ("url", "#meta+url"),
        ("published_on", "#date+published"),
        ("reliability", "#meta+reliability"),
    ],
    "summaries": [
        ("owner", "#org+code"),
        ("month", "#date+month"),
        ("origin_adm1_pcode", "#adm1+code+origin"),
        ("destination_adm1_pcode", "#adm1+code+dest"),
        ("households", "#affected+households"),
        ("suppressed", "#meta+suppressed"),
    ],
    "report-runs": [
        ("id", "#meta+id+report_run"),
        ("report", "#meta+report"),
        ("name", "#meta+report+name"),
        ("kind", "#meta+report+type"),
        ("slot", "#date+scheduled"),
        ("status", "#status+report"),
        ("rows", "#meta+rows"),
        ("bytes", "#meta+bytes"),
        ("sha256", "#meta+checksum"),
        ("finished_at", "#date+finished"),
        ("download", "#meta+url"),
        ("withdrawal_reason", "#meta+reason"),
    ],
    "deletions": [
        ("record_kind", "#meta+record_type"),
        ("id", "#meta+id"),
        ("reason", "#meta+reason"),
        ("survivor_id", "#meta+id+survivor"),
        ("deleted_on", "#date+deleted"),
    ],
}


def flat_value(value):
    if isinstance(value, list):
        return "; ".join(
            ",".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item) for item in value
        )
    if isinstance(value, dict):
        return "; ".join(f"{key}:{count}" for key, count in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def csv_header(kind: str) -> list[list[str]]:
    """The column names, then their HXL hashtags."""
    columns = COLUMNS[kind]
    return [[name for name, _ in columns], [tag for _, tag in columns]]


def csv_rows(kind: str, rows: Iterable[dict]) -> Iterable[list[str]]:
    yield from csv_header(kind)
    for row in rows:
        yield [flat_value(row.get(name)) for name, _ in COLUMNS[kind]]
