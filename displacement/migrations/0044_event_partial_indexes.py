"""Fewer index entries a row an import writes: the target's and the creator's indexes on events
become partial (an imported event names neither target nor, from the command line, a user)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0043_case_summary_month_counted"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_target_idx"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(condition=~models.Q(target=""), fields=["target"], name="event_target_idx"),
        ),
        # Only the index changes: the foreign key's constraint stays as it is (Django's own
        # AlterField would drop and re-add it, and so re-validate it over the whole table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="created_by",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS displacement_event_created_by_id_882451e9",
                    "CREATE INDEX displacement_event_created_by_id_882451e9 ON displacement_event (created_by_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(created_by__isnull=False), fields=["created_by"], name="event_created_by_idx"
            ),
        ),
    ]
