from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so

from bookshelf import db


class Book(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    added: so.Mapped[datetime] = so.mapped_column(default=lambda: datetime.now(timezone.utc))
