# The import record now belongs to the import engine (imports.0001 renamed the table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cadre", "0007_seat_single_holder"),
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="RosterImport")]),
    ]
