"""Archived segments of the oldest events (audit.archive): the archive table, and the triggers
replaced so that an event may be deleted only inside a recorded segment."""

from django.db import migrations, models

from communitygate.audit.triggers import drop_append_only_triggers, install_append_only_triggers


def replace_triggers(apps, schema_editor):
    drop_append_only_triggers(schema_editor.connection)
    install_append_only_triggers(schema_editor.connection)


def restore_triggers(apps, schema_editor):
    drop_append_only_triggers(schema_editor.connection)
    install_append_only_triggers(schema_editor.connection, archives=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]

    operations = [
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("archived_at", models.DateTimeField(verbose_name="archived at (UTC)")),
                ("before", models.DateField(verbose_name="events before")),
                ("first_id", models.BigIntegerField(verbose_name="first event")),
                ("last_id", models.BigIntegerField(unique=True, verbose_name="last event")),
                ("events", models.PositiveIntegerField(verbose_name="events")),
                ("first_prev_hash", models.CharField(max_length=64, verbose_name="previous hash of the first event")),
                ("last_hash", models.CharField(max_length=64, verbose_name="hash of the last event")),
                ("last_key_id", models.CharField(blank=True, max_length=16, null=True, verbose_name="hash key of the last event")),
                ("file_name", models.CharField(max_length=200, verbose_name="file")),
                ("file_sha256", models.CharField(max_length=64, verbose_name="file SHA-256")),
            ],
            options={
                "verbose_name": "archived audit segment",
                "verbose_name_plural": "archived audit segments",
                "ordering": ["first_id"],
            },
        ),
        migrations.RunPython(replace_triggers, restore_triggers),
    ]
