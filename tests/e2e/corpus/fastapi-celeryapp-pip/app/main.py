from pathlib import Path

import redis
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import REDIS_URL
from app.database import get_session
from app.models import Report
from app.tasks import build_report

app = FastAPI(title="Reports")
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
cache = redis.Redis.from_url(REDIS_URL)


class ReportIn(BaseModel):
    title: str


@app.get("/")
def index():
    return {"hits": cache.incr("hits")}


@app.get("/reports")
def list_reports(session: Session = Depends(get_session)):
    rows = session.scalars(select(Report).order_by(Report.id.desc())).all()
    return [{"id": r.id, "title": r.title, "status": r.status, "words": r.words} for r in rows]


@app.post("/reports", status_code=202)
def create_report(report: ReportIn, session: Session = Depends(get_session)):
    row = Report(title=report.title)
    session.add(row)
    session.commit()
    build_report.delay(row.id)
    return {"id": row.id, "status": row.status}
