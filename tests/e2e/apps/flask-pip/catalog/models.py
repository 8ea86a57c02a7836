from datetime import datetime, timezone

from . import db


def utcnow():
    return datetime.now(timezone.utc)


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    created = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
