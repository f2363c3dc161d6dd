"""The one settings object of zwgk (environment prefix ``ZWGK_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Organ(BaseModel):
    """An issuing organ: its full name, its red letterhead mark and its document-number prefix."""

    name: str = Field(description="机关全称")
    mark: str = Field(description="发文机关标志（红头）")
    prefix: str = Field(description="发文字号机关代字，如 乌府公开办")


def _default_organs() -> dict[str, Organ]:
    return {
        "office": Organ(
            name="乌当区政务公开工作领导小组办公室",
            mark="乌当区政务公开工作领导小组办公室文件",
            prefix="乌府公开办",
        ),
        "leading_group": Organ(
            name="乌当区政务公开工作领导小组",
            mark="乌当区政务公开工作领导小组文件",
            prefix="乌公开组",
        ),
    }


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``ZWGK_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="ZWGK_", env_nested_delimiter="__")

    database_url: str = Field(default="sqlite:///zwgk.db", description="SQLAlchemy URL of our data")
    out_dir: Path = Field(default=Path("out"), description="where documents are written")
    templates_dir: Path = Field(default=REPO_ROOT / "doc_templates", description="document templates")
    district: str = Field(default="乌当区")
    organs: dict[str, Organ] = Field(default_factory=_default_organs)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "zwgk@localhost"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
