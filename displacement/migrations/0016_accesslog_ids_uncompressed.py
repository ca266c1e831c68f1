from django.db import migrations

# An export's access-log entries hold every id it sent, up to 50,000 an entry: 2 MB of JSON
# for a partner's pseudonyms, 0.5 MB of numbers for the owner's. PostgreSQL compressed them
# (pglz, the only method the embedded server has), or tried to: random pseudonyms do not
# compress. That took 55 of the 90 ms of a partner's entry's INSERT and 13 of the 32 ms of an
# owner's, about 0.5 s of the time a partner waits at the end of an export of 340,000 rows.
# They are stored out of line, uncompressed: more disk for an export's entries (a page's,
# a few hundred bytes, stay in the row). Only entries written from now on.
SQL = "ALTER TABLE displacement_accesslog ALTER COLUMN object_ids SET STORAGE {}"


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0015_links_listed_index"),
    ]

    operations = [
        migrations.RunSQL(SQL.format("EXTERNAL"), reverse_sql=SQL.format("EXTENDED")),
    ]
