import os


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_secret(name, default=None):
    """Read NAME, or the file NAME_FILE points to (Docker and Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path) as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


class Config:
    SECRET_KEY = env_secret("SECRET_KEY", "dev")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///bookshelf.db")
    REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    BOOKS_PER_PAGE = int(os.environ.get("BOOKS_PER_PAGE") or 20)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    GITHUB_TOKEN = env_secret("GITHUB_TOKEN")
    if "SENTRY_DSN" in os.environ:
        SENTRY_DSN = os.environ["SENTRY_DSN"]
        SENTRY_TRACES_SAMPLE_RATE = float(os.environ["SENTRY_TRACES_SAMPLE_RATE"])
