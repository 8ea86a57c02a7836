import os
from contextlib import asynccontextmanager
from typing import Annotated

import redis
from fastapi import Body, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session, select

from database import create_db_and_tables, engine
from models import Task
from worker import create_task

cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


@asynccontextmanager
async def lifespan(app: FastAPI):
    create_db_and_tables()
    yield


app = FastAPI(lifespan=lifespan)
app.mount("/static", StaticFiles(directory="static"), name="static")


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@app.get("/")
def home():
    return {"hits": cache.incr("hits")}


@app.post("/tasks", status_code=201)
def run_task(session: SessionDep, payload: dict = Body(...)):
    task = Task(seconds=int(payload.get("seconds", 1)))
    session.add(task)
    session.commit()
    session.refresh(task)
    create_task.delay(task.id, task.seconds)
    return {"task_id": task.id}


@app.get("/tasks")
def list_tasks(session: SessionDep):
    return session.exec(select(Task).order_by(Task.id)).all()
