"""Fewer indexes on events and their history: each was one more to update a row an import writes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: (index, table, column): lookups use event_org_start_idx and event_place_start_idx (whose
#: first column these are) and the partial event_verified_by_idx; the history is read by its
#: object and context only.
DROPPED = [
    ("displacement_event_organization_id_09075372", "displacement_event", "organization_id"),
    ("displacement_event_place_id_e4afc19a", "displacement_event", "place_id"),
    ("displacement_event_verified_by_id_68e85518", "displacement_event", "verified_by_id"),
    ("displacement_eventhistory_created_by_id_eddc3a49", "displacement_eventhistory", "created_by_id"),
    ("displacement_eventhistory_organization_id_130fd628", "displacement_eventhistory", "organization_id"),
    ("displacement_eventhistory_place_id_c4fedbe8", "displacement_eventhistory", "place_id"),
    ("displacement_eventhistory_verified_by_id_1bb87a41", "displacement_eventhistory", "verified_by_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0037_event_duplicates"),
    ]

    operations = [
        # Only the indexes change: the foreign keys' constraints stay as they are (Django's own
        # AlterField would drop and re-add and so re-validate them over the whole table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="displacement.organization",
                        verbose_name="organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="place",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="displacement.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="verified_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verification decided by",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventhistory",
                    name="created_by",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventhistory",
                    name="organization",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="displacement.organization",
                        verbose_name="organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventhistory",
                    name="place",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="displacement.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventhistory",
                    name="verified_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verification decided by",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}", reverse_sql=f"CREATE INDEX {name} ON {table} ({column})"
                )
                for name, table, column in DROPPED
            ],
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("verified_by__isnull", False)), fields=["verified_by"], name="event_verified_by_idx"
            ),
        ),
    ]
