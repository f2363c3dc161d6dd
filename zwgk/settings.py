"""The one settings object of zwgk (environment prefix ``ZWGK_``)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``ZWGK_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="ZWGK_")

    database_url: str = Field(default="sqlite:///zwgk.db", description="SQLAlchemy URL of our data")
    out_dir: Path = Field(default=Path("out"), description="where documents are written")
    templates_dir: Path = Field(default=REPO_ROOT / "doc_templates", description="document templates")
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "zwgk@localhost"
    secret_key: str | None = Field(default=None, description="signs workbench sessions; else one kept in the database")
    upload_max_mb: int = Field(default=20, description="largest file the workbench accepts, in MB")
    password_hash: Literal["recommended", "fast"] = Field(
        default="recommended", description="argon2 cost of workbench passwords; fast only for tests")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
