from typing import Any

from fastapi import APIRouter
from sqlmodel import select

from shop.api.deps import RedisDep, SessionDep
from shop.models import Product, ProductCreate, ProductPublic

router = APIRouter(prefix="/products", tags=["products"])


@router.get("/")
def read_products(session: SessionDep, redis: RedisDep) -> Any:
    views = redis.incr("products:views")
    products = session.exec(select(Product).order_by(Product.id)).all()
    return {"views": views, "data": [ProductPublic.model_validate(p) for p in products]}


@router.post("/", response_model=ProductPublic, status_code=201)
def create_product(session: SessionDep, product_in: ProductCreate) -> Any:
    product = Product.model_validate(product_in)
    session.add(product)
    session.commit()
    session.refresh(product)
    return product
