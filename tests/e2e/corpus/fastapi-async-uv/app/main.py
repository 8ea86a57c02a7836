from pathlib import Path
from typing import Annotated

import redis.asyncio as redis
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .config import Settings, get_settings
from .database import get_session
from .models import Item

app = FastAPI(title="Inventory API")
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class ItemIn(BaseModel):
    name: str
    quantity: int = 0


class ItemOut(ItemIn):
    id: int


@app.get("/")
async def root(settings: SettingsDep):
    client = redis.from_url(settings.redis_url)
    try:
        visits = await client.incr("visits")
    finally:
        await client.aclose()
    return {"app": settings.app_name, "admin": settings.admin_email, "visits": visits}


@app.get("/items/", response_model=list[ItemOut])
async def list_items(session: SessionDep):
    result = await session.scalars(select(Item).order_by(Item.id))
    return result.all()


@app.post("/items/", response_model=ItemOut, status_code=201)
async def create_item(item: ItemIn, session: SessionDep):
    db_item = Item(**item.model_dump())
    session.add(db_item)
    await session.commit()
    return db_item
