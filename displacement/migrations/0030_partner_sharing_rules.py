"""Issue 17: a restricted testimony shares nothing (the index of sharing testimonies leaves
them out); tombstones say whether partners could have received the record; agreements set
the precision of dates about people; partner report runs can be withdrawn, and note the
records their files hold. The new index is built before the old one goes."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('displacement', '0029_imports_and_origin_checks'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportRunRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record_id', models.BigIntegerField()),
            ],
            options={
                'verbose_name': 'record in a report file',
                'verbose_name_plural': 'records in report files',
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sharingagreement',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sharingagreement',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sharingagreement',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='reportrun',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('consent_withdrawn', 'Consent withdrawn'), ('unshared', 'No longer shared'), ('deleted', 'Deleted'), ('agreement_ended', 'Agreement ended or narrowed')], help_text="A partner's file is withdrawn, and deleted, when a record in it may no longer reach the partner.", max_length=20, verbose_name='why withdrawn'),
        ),
        migrations.AddField(
            model_name='reportrun',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at'),
        ),
        migrations.AddField(
            model_name='sharingagreement',
            name='date_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('week', 'ISO week'), ('month', 'Calendar month')], default='week', help_text='How exactly the partner receives when a testimony was recorded, a household left or arrived, a case was opened or closed. Event dates are given as recorded.', max_length=5, verbose_name='dates about people'),
        ),
        migrations.AddField(
            model_name='sharingagreementhistory',
            name='date_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('week', 'ISO week'), ('month', 'Calendar month')], default='week', help_text='How exactly the partner receives when a testimony was recorded, a household left or arrived, a case was opened or closed. Event dates are given as recorded.', max_length=5, verbose_name='dates about people'),
        ),
        migrations.AddField(
            model_name='tombstone',
            name='shared',
            field=models.BooleanField(default=True, help_text="Whether partners could have received the record when it left: only then is it on other organisations' deletions feeds (a restricted testimony's deletion tells them nothing).", verbose_name='could reach partners'),
        ),
        migrations.AlterField(
            model_name='reportrun',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('withdrawn', 'Withdrawn')], default='queued', max_length=10, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='testimony',
            index=models.Index(condition=models.Q(('sharing_consent', True), models.Q(('sensitivity', 'restricted'), _negated=True)), fields=['household'], name='testimony_sharing_hh_idx'),
        ),
        migrations.RemoveIndex(
            model_name='testimony',
            name='testimony_shared_household_idx',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sharingagreement',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "displacement_sharingagreementhistory" ("created_at", "created_by_id", "date_precision", "ended_notified_on", "id", "notes", "owner_id", "partner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purposes", "record_kinds", "updated_at", "valid_from", "valid_until") VALUES (NEW."created_at", NEW."created_by_id", NEW."date_precision", NEW."ended_notified_on", NEW."id", NEW."notes", NEW."owner_id", NEW."partner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."purposes", NEW."record_kinds", NEW."updated_at", NEW."valid_from", NEW."valid_until"); RETURN NULL;', hash='ec162a100639541183f01cbb8ad0c8cc1ced579d', operation='INSERT', pgid='pgtrigger_insert_insert_54f97', table='displacement_sharingagreement', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sharingagreement',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "displacement_sharingagreementhistory" ("created_at", "created_by_id", "date_precision", "ended_notified_on", "id", "notes", "owner_id", "partner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purposes", "record_kinds", "updated_at", "valid_from", "valid_until") VALUES (NEW."created_at", NEW."created_by_id", NEW."date_precision", NEW."ended_notified_on", NEW."id", NEW."notes", NEW."owner_id", NEW."partner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."purposes", NEW."record_kinds", NEW."updated_at", NEW."valid_from", NEW."valid_until"); RETURN NULL;', hash='b64cacc08422d0aaabcb4ed312744b17f2b49250', operation='UPDATE', pgid='pgtrigger_update_update_64ee5', table='displacement_sharingagreement', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sharingagreement',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "displacement_sharingagreementhistory" ("created_at", "created_by_id", "date_precision", "ended_notified_on", "id", "notes", "owner_id", "partner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purposes", "record_kinds", "updated_at", "valid_from", "valid_until") VALUES (OLD."created_at", OLD."created_by_id", OLD."date_precision", OLD."ended_notified_on", OLD."id", OLD."notes", OLD."owner_id", OLD."partner_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."purposes", OLD."record_kinds", OLD."updated_at", OLD."valid_from", OLD."valid_until"); RETURN NULL;', hash='69e60eb61ded355c66c6345f38cc2e75c94e6e94', operation='DELETE', pgid='pgtrigger_delete_delete_2dd12', table='displacement_sharingagreement', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='sharingagreement',
            constraint=models.CheckConstraint(condition=models.Q(('date_precision__in', ['day', 'week', 'month'])), name='agreement_date_precision_known'),
        ),
        migrations.AddField(
            model_name='reportrunrecord',
            name='run',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='displacement.reportrun'),
        ),
        migrations.AddIndex(
            model_name='reportrunrecord',
            index=models.Index(fields=['record_id', 'run'], name='report_run_record_idx'),
        ),
    ]
