import os
import time

from celery import Celery
from sqlmodel import Session

from database import engine
from models import Task

celery = Celery(__name__)
celery.conf.broker_url = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")
celery.conf.result_backend = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379")


@celery.task(name="create_task")
def create_task(task_id: int, seconds: int) -> bool:
    time.sleep(seconds)
    with Session(engine) as session:
        task = session.get(Task, task_id)
        task.status = "done"
        session.add(task)
        session.commit()
    return True
