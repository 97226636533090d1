"""Issue 15: committee meetings (who was present, each member's vote) and a round's early close.

Decisions taken before this migration keep no meeting row: they are shown as recorded before
committee meetings were kept (nothing is invented for them). A round closed early before this
migration gets `closed_early` and its reason back from its close event in the audit log."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def early_closes_from_the_audit_log(apps, schema_editor):
    ReviewRound = apps.get_model("admissions", "ReviewRound")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    closes = AuditEvent.objects.filter(
        action="review_round.close_consultation", object_type="admissions.reviewround"
    ).order_by("pk")
    for event in closes:
        if "closed_early" in (event.changes or {}):
            ReviewRound.objects.filter(pk=int(event.object_id)).update(
                closed_early=True, early_close_reason=event.reason
            )


class Migration(migrations.Migration):

    dependencies = [
        ('admissions', '0008_commitment_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("audit", "0003_keyed_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewround',
            name='closed_early',
            field=models.BooleanField(default=False, verbose_name='consultation closed early'),
        ),
        migrations.AddField(
            model_name='reviewround',
            name='early_close_reason',
            field=models.TextField(blank=True, verbose_name='reason for closing early'),
        ),
        migrations.CreateModel(
            name='CommitteeMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField(verbose_name='meeting date')),
                ('members', models.PositiveSmallIntegerField(verbose_name='committee members on the day')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='committee_meeting', to='admissions.application', verbose_name='application')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'committee meeting',
                'verbose_name_plural': 'committee meetings',
            },
        ),
        migrations.CreateModel(
            name='MemberVote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vote', models.CharField(choices=[('approve', 'Approve'), ('reject', 'Reject'), ('abstain', 'Abstain')], max_length=8, verbose_name='vote')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='votes', to='admissions.committeemeeting', verbose_name='meeting')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='committee member')),
            ],
            options={
                'verbose_name': "committee member's vote",
                'verbose_name_plural': "committee members' votes",
                'constraints': [models.UniqueConstraint(fields=('meeting', 'member'), name='member_votes_once')],
            },
        ),
        migrations.RunPython(early_closes_from_the_audit_log, migrations.RunPython.noop),
    ]
