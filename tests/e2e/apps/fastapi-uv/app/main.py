"""The inventory FastAPI application (dockgen e2e example)."""
import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path

import redis
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import DateTime, create_engine, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

STATIC_DIR = Path(__file__).resolve().parent / "static"


def database_url(url):
    """Point postgres:// and postgresql:// URLs at psycopg 3; leave any other URL (sqlite) alone."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


DATABASE_URL = database_url(
    os.environ.get("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/inventory")
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
DEBUG = os.environ.get("DEBUG", "0").lower() in ("1", "true", "yes", "on")

# Connecting is lazy: importing this module needs no database.
engine = create_engine(DATABASE_URL, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine)


class Base(DeclarativeBase):
    pass


def utcnow():
    return datetime.now(timezone.utc)


class Hit(Base):
    __tablename__ = "hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def create_tables():
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several server workers start at once: serialise their CREATE TABLE (held until commit).
            conn.execute(text("SELECT pg_advisory_xact_lock(727100)"))
        Base.metadata.create_all(conn)


@asynccontextmanager
async def lifespan(app: FastAPI):
    create_tables()
    yield
    engine.dispose()


app = FastAPI(title="inventory", debug=DEBUG, lifespan=lifespan)
app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def get_session():
    with SessionLocal() as session:
        yield session


@app.get("/e2e/")
def e2e(session: Session = Depends(get_session)):
    """Insert a row, count the rows and ping Redis (used by the dockgen e2e tests)."""
    session.add(Hit())
    session.commit()
    rows = session.scalar(select(func.count()).select_from(Hit))
    client = redis.Redis.from_url(REDIS_URL)
    try:
        pong = "PONG" if client.ping() else "no reply"
    finally:
        client.close()
    return {"db_rows": rows, "redis": pong}
