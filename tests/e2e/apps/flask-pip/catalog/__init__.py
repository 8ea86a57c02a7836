"""The catalog Flask application (dockgen e2e example)."""
import os

import redis
from flask import Flask, jsonify
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


def database_uri(url):
    """Point postgres:// and postgresql:// URLs at psycopg 3; leave any other URL (sqlite) alone."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")
    app.config["DEBUG"] = os.environ.get("DEBUG", "0").lower() in ("1", "true", "yes", "on")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        os.environ.get("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/catalog")
    )
    app.config["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://localhost:6379/0")

    db.init_app(app)
    migrate.init_app(app, db)

    from .models import Item

    @app.get("/e2e/")
    def e2e():
        """Insert a row, count the rows and ping Redis (used by the dockgen e2e tests)."""
        db.session.add(Item())
        db.session.commit()
        rows = db.session.scalar(db.select(db.func.count()).select_from(Item))
        client = redis.Redis.from_url(app.config["REDIS_URL"])
        try:
            pong = "PONG" if client.ping() else "no reply"
        finally:
            client.close()
        return jsonify(db_rows=rows, redis=pong)

    return app
