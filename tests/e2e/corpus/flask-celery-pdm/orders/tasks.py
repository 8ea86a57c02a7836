from datetime import datetime, timezone

from celery import shared_task

from .models import Order, db


@shared_task(ignore_result=False)
def ship(order_id: int) -> None:
    order = db.session.get(Order, order_id)
    order.shipped_at = datetime.now(timezone.utc)
    db.session.commit()
