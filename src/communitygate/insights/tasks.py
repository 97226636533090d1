"""Background tasks of the burden dashboard (Django's tasks framework, django-tasks-db's queue,
run by `communitygate db_worker`)."""

from django.tasks import task

from communitygate.insights.rollups import refresh


@task()
def refresh_received() -> int:
    """Rebuild the months a change marked (and any not counted today); how many were rebuilt."""
    return len(refresh())
