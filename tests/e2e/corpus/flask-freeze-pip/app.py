import os

import redis
from flask import Flask, redirect, render_template_string, request, url_for
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///guestbook.db")
db = SQLAlchemy(app)
cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)


with app.app_context():
    db.create_all()

PAGE = """<!doctype html>
<html>
<head><title>Guestbook</title><link rel="stylesheet" href="{{ url_for('static', filename='guestbook.css') }}"></head>
<body>
<h1>Guestbook</h1>
<p class="visits">Visits: {{ visits }}</p>
<form method="post"><input name="name"><button>Sign</button></form>
<ul>{% for e in entries %}<li>{{ e.name }}</li>{% endfor %}</ul>
</body>
</html>
"""


@app.route("/", methods=["GET", "POST"])
def index():
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if name:
            db.session.add(Entry(name=name))
            db.session.commit()
        return redirect(url_for("index"))
    visits = cache.incr("visits")
    entries = Entry.query.order_by(Entry.id.desc()).all()
    return render_template_string(PAGE, visits=visits, entries=entries)
