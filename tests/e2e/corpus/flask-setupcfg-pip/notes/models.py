from datetime import datetime, timezone

from . import db


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(500), nullable=False)
    created = db.Column(db.DateTime, nullable=False, default=lambda: datetime.now(timezone.utc))
