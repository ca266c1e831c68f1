"""Duplicate households: pure helpers (no database, no Django models).

- ``names``: Ukraine's official transliteration (KMU 2010) and the normalised name key;
- ``phones``: phone numbers in E.164;
- ``keys``: the blocking keys PostgreSQL indexes to find candidates, and the SQL that makes
  the same keys in the database (one rule, written once in Python);
- ``scoring``: the score and reasons of a candidate pair (RapidFuzz);
- ``labelled``: a labelled synthetic set for precision and recall.

See docs/duplicates.md.
"""
