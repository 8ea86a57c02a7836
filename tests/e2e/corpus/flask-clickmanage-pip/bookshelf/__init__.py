from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis

from bookshelf.settings import Config

db = SQLAlchemy()
migrate = Migrate()


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)

    db.init_app(app)
    migrate.init_app(app, db)
    app.redis = Redis.from_url(app.config["REDIS_URL"])

    from bookshelf.views import bp

    app.register_blueprint(bp)
    return app


from bookshelf import models  # noqa: E402,F401
