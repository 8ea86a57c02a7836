from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Item
from app.db.session import get_db

router = APIRouter()


class ItemIn(BaseModel):
    name: str
    quantity: int = 0


class ItemOut(ItemIn):
    id: int


@router.get("/items", response_model=list[ItemOut])
def list_items(db: Session = Depends(get_db)):
    return db.scalars(select(Item).order_by(Item.id.desc())).all()


@router.post("/items", response_model=ItemOut, status_code=201)
def create_item(item: ItemIn, db: Session = Depends(get_db)):
    row = Item(name=item.name, quantity=item.quantity)
    db.add(row)
    db.commit()
    db.refresh(row)
    return row
