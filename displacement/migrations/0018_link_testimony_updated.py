"""Each link from a testimony to an event carries a copy of the testimony's ``updated_at``,
kept by triggers, and an index of the links by their event's start holds it: a page of
testimonies filtered by a rare event date reads only its own testimonies (``api.filters``).

The copies of existing links are filled here, with the links' own trigger removed (it is
created again below): on a million testimonies, about 1.3 million links, half a minute
(33 s on the bench machine, with the index). Testimonies are locked against writes first,
until the migration commits: a testimony saved between the fill and the creation of its
trigger would leave its links' copies stale, and a page would then miss it. (Links are
locked by the removal of their trigger.)
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('displacement', '0017_testimony_vocabularies'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='testimonyevent',
            name='testimony_event_copies',
        ),
        migrations.AddField(
            model_name='testimonyevent',
            name='testimony_updated_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name="testimony's last change"),
        ),
        migrations.RunSQL("LOCK TABLE displacement_testimony IN SHARE MODE", migrations.RunSQL.noop),
        migrations.RunSQL(
            "UPDATE displacement_testimonyevent l SET testimony_updated_at = t.updated_at"
            " FROM displacement_testimony t WHERE t.id = l.testimony_id",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='testimonyevent',
            index=models.Index(fields=['event_start'], include=('event_owner', 'testimony_updated_at', 'testimony'), name='testimony_event_start_idx'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='testimony',
            trigger=pgtrigger.compiler.Trigger(name='testimony_copies_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='UPDATE displacement_testimonyevent l SET testimony_updated_at = n.updated_at FROM new_testimonies n WHERE l.testimony_id = n.id AND (l.testimony_updated_at) IS DISTINCT FROM (n.updated_at); RETURN NULL;', hash='54cbb592b756c1560615697ac59686726c584105', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_testimony_copies_updated_cae64', referencing='REFERENCING NEW TABLE AS new_testimonies ', table='displacement_testimony', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='testimony',
            trigger=pgtrigger.compiler.Trigger(name='testimony_copies_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='UPDATE displacement_testimonyevent l SET testimony_updated_at = n.updated_at FROM new_testimonies n WHERE l.testimony_id = n.id AND (l.testimony_updated_at) IS DISTINCT FROM (n.updated_at); RETURN NULL;', hash='2472aedd82fc9e89e86e9c3a3139d5fa0b36656c', level='STATEMENT', operation='INSERT', pgid='pgtrigger_testimony_copies_inserted_a4d5e', referencing='REFERENCING NEW TABLE AS new_testimonies ', table='displacement_testimony', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='testimonyevent',
            trigger=pgtrigger.compiler.Trigger(name='testimony_event_copies', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN RETURN NEW; END IF; IF TG_OP = 'INSERT' OR NEW.event_id IS DISTINCT FROM OLD.event_id THEN SELECT e.organization_id, e.start, e.event_type, e.sub_event_type, e.target, e.place_id INTO NEW.event_owner, NEW.event_start, NEW.event_type, NEW.event_sub_type, NEW.event_target, NEW.event_place FROM displacement_event e WHERE e.id = NEW.event_id FOR SHARE; IF NOT FOUND THEN NEW.event_type := ''; NEW.event_sub_type := ''; NEW.event_target := ''; END IF; ELSE NEW.event_owner := OLD.event_owner; NEW.event_start := OLD.event_start; NEW.event_type := OLD.event_type; NEW.event_sub_type := OLD.event_sub_type; NEW.event_target := OLD.event_target; NEW.event_place := OLD.event_place; END IF; IF TG_OP = 'INSERT' OR NEW.testimony_id IS DISTINCT FROM OLD.testimony_id THEN SELECT t.updated_at INTO NEW.testimony_updated_at FROM displacement_testimony t WHERE t.id = NEW.testimony_id FOR SHARE; ELSE NEW.testimony_updated_at := OLD.testimony_updated_at; END IF; RETURN NEW;", hash='1e7765b0b61878685a4d10d6a03e6e8184f41b90', operation='INSERT OR UPDATE', pgid='pgtrigger_testimony_event_copies_0c372', table='displacement_testimonyevent', when='BEFORE')),
        ),
    ]
