from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    project_name: str = "Stockroom"
    api_prefix: str = "/api"
    debug: bool = False
    database_url: str = "sqlite:///./stockroom.db"
    redis_url: str = "redis://localhost:6379/0"
    allowed_origins: str = "http://localhost:3000"


settings = Settings()
