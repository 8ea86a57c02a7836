import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis

__version__ = "0.3.0"

db = SQLAlchemy()
migrate = Migrate()


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://localhost:6379/0")

    db.init_app(app)
    migrate.init_app(app, db)
    app.extensions["redis"] = Redis.from_url(app.config["REDIS_URL"])

    from . import views

    app.register_blueprint(views.bp)
    return app
