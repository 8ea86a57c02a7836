import os
from datetime import datetime

from flask import Flask, redirect, render_template, request, url_for
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///notes.db")
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False

db = SQLAlchemy(app)
migrate = Migrate(app, db)
redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(200), nullable=False)
    created = db.Column(db.DateTime, default=datetime.utcnow)


@app.route("/", methods=["GET", "POST"])
def index():
    if request.method == "POST":
        body = request.form.get("body", "").strip()
        if body:
            db.session.add(Note(body=body))
            db.session.commit()
        return redirect(url_for("index"))
    visits = redis.incr("visits")
    notes = Note.query.order_by(Note.created.desc()).limit(20).all()
    return render_template("index.html", notes=notes, visits=visits)
