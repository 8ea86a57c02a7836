from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app.api.routes import router
from app.core.cache import redis_client
from app.core.config import settings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def get_application() -> FastAPI:
    application = FastAPI(title=settings.project_name, debug=settings.debug)
    application.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins.split(","),
        allow_methods=["*"],
        allow_headers=["*"],
    )
    application.include_router(router, prefix=settings.api_prefix)
    application.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @application.get("/")
    def home():
        visits = redis_client.incr("hits")
        return {"project": settings.project_name, "visits": visits}

    return application
