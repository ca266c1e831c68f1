"""Issue 17: a restricted testimony's consent shares nothing. Households that partners received
only through such a consent (and their displacements and cases) go on the deletions feed, as
any record that stops being shared does, so that partners drop their copies."""

from django.db import migrations

UNSHARE = """
WITH lost AS (
    SELECT DISTINCT t.household_id
      FROM displacement_testimony t
     WHERE t.household_id IS NOT NULL AND t.sharing_consent AND t.sensitivity = 'restricted'
       AND NOT EXISTS (
           SELECT 1 FROM displacement_testimony s
            WHERE s.household_id = t.household_id AND s.sharing_consent AND s.sensitivity <> 'restricted'
       )
)
INSERT INTO displacement_tombstone (organization_id, partner_id, record_kind, record_id, reason, shared, created_at)
SELECT h.organization_id, NULL::bigint, 'households', h.id, 'unshared', true, now()
  FROM displacement_household h JOIN lost ON lost.household_id = h.id
UNION ALL
SELECT d.organization_id, NULL::bigint, 'displacements', d.id, 'unshared', true, now()
  FROM displacement_displacement d JOIN lost ON lost.household_id = d.household_id
UNION ALL
SELECT c.organization_id, NULL::bigint, 'cases', c.id, 'unshared', true, now()
  FROM displacement_case c JOIN lost ON lost.household_id = c.household_id
"""


class Migration(migrations.Migration):
    dependencies = [("displacement", "0030_partner_sharing_rules")]

    operations = [migrations.RunSQL(UNSHARE, migrations.RunSQL.noop)]
