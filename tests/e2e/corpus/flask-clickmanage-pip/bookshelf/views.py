import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from bookshelf import db
from bookshelf.models import Book

bp = Blueprint("shelf", __name__)


@bp.route("/", methods=["GET", "POST"])
def index():
    if request.method == "POST":
        title = request.form.get("title", "").strip()
        if title:
            db.session.add(Book(title=title))
            db.session.commit()
        return redirect(url_for("shelf.index"))
    visits = current_app.redis.incr("visits")
    books = db.session.scalars(
        sa.select(Book).order_by(Book.added.desc()).limit(current_app.config["BOOKS_PER_PAGE"])
    ).all()
    return render_template("index.html", books=books, visits=visits)
