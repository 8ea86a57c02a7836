from sqlmodel import Field, SQLModel


class ProductBase(SQLModel):
    title: str = Field(min_length=1, max_length=255)
    price_cents: int = 0


class Product(ProductBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ProductCreate(ProductBase):
    pass


class ProductPublic(ProductBase):
    id: int
