"""ACLED: its CSV exports (2022 and current layouts), its API JSON and its deletions.

``columns`` names the layouts, ``mapping`` turns a row into an event's values (``rows``),
``places`` resolves admin1/admin2/admin3/location to the gazetteer.
"""
