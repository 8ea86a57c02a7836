from app.celery_app import celery_app
from app.database import SessionLocal
from app.models import Report


@celery_app.task
def build_report(report_id: int) -> int:
    with SessionLocal() as session:
        report = session.get(Report, report_id)
        report.words = len(report.title.split())
        report.status = "done"
        session.commit()
        return report.words
