"""PostgreSQL only: no two active bookings of one advisor may overlap (buffers included).

An exclusion constraint over tstzrange(blocked_start, blocked_end) per advisor; it needs
btree_gist for the `advisor_id WITH =` part. On SQLite this migration does nothing: there
`booking_create` checks and inserts inside one IMMEDIATE transaction. The constraint is
not in the model's Meta, so `makemigrations --check` is the same on both databases.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap_per_advisor
    EXCLUDE USING gist (advisor_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap_per_advisor;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
