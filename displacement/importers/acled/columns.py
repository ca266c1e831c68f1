"""ACLED's file layouts (field names from ACLED's codebook)."""

from __future__ import annotations

#: The 2022 export: 31 columns, with data_id and event_id_no_cnty, dates like "13 May 2022".
LAYOUT_2022 = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "timestamp", "iso3",
)  # fmt: skip

#: The current export: ISO dates, disorder_type, civilian_targeting and tags; no data_id.
LAYOUT_CURRENT = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

#: Without these an event cannot be placed, dated or classified: a file lacking one fails.
REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "admin1", "location")

KNOWN = frozenset(LAYOUT_2022) | frozenset(LAYOUT_CURRENT)

DELETIONS = ("event_id_cnty", "deleted_timestamp")
