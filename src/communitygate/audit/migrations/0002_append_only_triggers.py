"""Make the audit table append-only at the database: UPDATE and DELETE (and TRUNCATE) are refused."""

from django.db import migrations

from communitygate.audit.triggers import drop_append_only_triggers, install_append_only_triggers


def install(apps, schema_editor):
    install_append_only_triggers(schema_editor.connection, archives=False)


def drop(apps, schema_editor):
    drop_append_only_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, drop)]
