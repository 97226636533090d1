"""Background tasks of the residents' platform (Django's tasks framework, the database-backed
queue run by `communitygate db_worker`): a registry import checks and writes its rows here, so
the upload answers at once and the page shows the progress."""

from django.tasks import task


@task()
def run_resident_import(batch_id: int) -> str:
    """Check and write one queued import; answers its final status (no personal data)."""
    from communitygate.registry.services.importing import resident_import_run

    return str(resident_import_run(batch_id).status)
