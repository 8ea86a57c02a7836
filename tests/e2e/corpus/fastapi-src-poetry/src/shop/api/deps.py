from collections.abc import Generator
from typing import Annotated

from fastapi import Depends
from redis import Redis
from sqlmodel import Session

from shop.core.config import settings
from shop.core.db import engine


def get_db() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session


def get_redis() -> Generator[Redis, None, None]:
    client = Redis.from_url(str(settings.REDIS_URI))
    try:
        yield client
    finally:
        client.close()


SessionDep = Annotated[Session, Depends(get_db)]
RedisDep = Annotated[Redis, Depends(get_redis)]
