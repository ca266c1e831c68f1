# The links between events and sources carried two indexes led by event_id: Django's for the
# foreign key and the unique (event_id, source_id), which serves every lookup by event as well.
# The first is dropped: every link written (an ACLED import writes two a row) maintained it for
# nothing. Django's migration state still lists the auto-created index; a later change of
# Event.sources that recreates the table recreates it, harmlessly.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0040_corroboration_sources_added"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS displacement_event_sources_event_id_15b5ece4",
            "CREATE INDEX IF NOT EXISTS displacement_event_sources_event_id_15b5ece4"
            " ON displacement_event_sources (event_id)",
        ),
    ]
