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
    # Limits on what users hand in: a careless or hostile file is refused before it is read.
    max_input_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="导入文件大小上限（字节）")
    max_table_rows: int = Field(default=20_000, ge=1, description="CSV/表格导入的数据行上限")
    problems_shown: int = Field(default=50, ge=1, description="导入被拒时列出的问题条数，其余只计数")
    future_days: int = Field(default=3, ge=0, description="--today/--on 最多可比今天晚几天")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
