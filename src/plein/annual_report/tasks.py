"""Background work of the annual report (django-tasks): making report files and the published PDF.

Both tasks are idempotent (a finished job or an existing PDF is left alone), so a restart may enqueue them again.
Arguments are ids, as the database backend stores JSON values.
"""

from django_tasks import task

from plein.annual_report import services


@task()
def generate_report_file(job_id: int) -> bool:
    return services.run_job(job_id=job_id)


@task()
def render_published_pdf(report_id: int) -> bool:
    return services.store_published_pdf(report_id=report_id)
