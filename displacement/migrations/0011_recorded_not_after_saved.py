"""A testimony's recorded_on and a displacement's left_on are never after the day the record was
last saved (a day's margin covers any time zone's date against UTC's). The API's "on or after"
filters rely on it to start the page order at that date (``api.filters.HappenedOnOrAfterFilter``).

Plain SQL rather than Meta constraints: Django would check them in forms against the time of the
previous save, and refuse a correct date on any record not saved since it.
"""

from django.db import migrations

CHECKS = [
    ("displacement_testimony", "testimony_recorded_not_after_saved", "recorded_on"),
    ("displacement_displacement", "displacement_left_not_after_saved", "left_on"),
]


def refuse_future_dates(apps, schema_editor):
    """Name the records a constraint would refuse, rather than fail with PostgreSQL's message."""
    found = []
    with schema_editor.connection.cursor() as cursor:
        for table, _name, column in CHECKS:
            cursor.execute(
                f"SELECT id, {column} FROM {table}"  # noqa: S608 (constants)
                f" WHERE {column} > (updated_at AT TIME ZONE 'UTC')::date + 1 ORDER BY id LIMIT 20"
            )
            found += [f"{table} id {pk}: {column} {day}" for pk, day in cursor.fetchall()]
    if found:
        raise RuntimeError(
            "These records have a date after the day they were last saved (a future date); correct "
            "them, then migrate again (at most 20 shown):\n" + "\n".join(found)
        )


class Migration(migrations.Migration):
    dependencies = [("displacement", "0010_testimony_sharing_consent")]

    operations = [
        migrations.RunPython(refuse_future_dates, migrations.RunPython.noop),
        *(
            migrations.RunSQL(
            f"ALTER TABLE {table} ADD CONSTRAINT {name}"
            f" CHECK ({column} <= (updated_at AT TIME ZONE 'UTC')::date + 1)",
            f"ALTER TABLE {table} DROP CONSTRAINT {name}",
            )
            for table, name, column in CHECKS
        ),
    ]
