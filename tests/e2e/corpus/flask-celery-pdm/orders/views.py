import redis
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from . import tasks
from .models import Order, db

bp = Blueprint("orders", __name__)


def get_redis() -> redis.Redis:
    return redis.Redis.from_url(current_app.config["REDIS_URL"])


@bp.get("/")
def index() -> str:
    views = get_redis().incr("orders:views")
    orders = db.session.execute(db.select(Order).order_by(Order.id.desc())).scalars()
    return render_template("index.html", orders=orders, views=views)


@bp.post("/orders")
def create() -> object:
    order = Order(item=request.form["item"])
    db.session.add(order)
    db.session.commit()
    tasks.ship.delay(order.id)
    return redirect(url_for("orders.index"))
