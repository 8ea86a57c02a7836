from flask import Blueprint, current_app, redirect, render_template, request, url_for

from . import db
from .models import Note

bp = Blueprint("notes", __name__)


@bp.route("/", methods=("GET", "POST"))
def index():
    if request.method == "POST":
        body = request.form.get("body", "").strip()
        if body:
            db.session.add(Note(body=body))
            db.session.commit()
        return redirect(url_for("notes.index"))
    hits = current_app.extensions["redis"].incr("hits")
    notes = db.session.execute(db.select(Note).order_by(Note.created.desc())).scalars().all()
    return render_template("index.html", notes=notes, hits=hits)
