"""The one settings object of zwgk (environment prefix ``ZWGK_``)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


HTTP_URL = r"^https?://\S+$"


class Robot(BaseModel):
    """A work-chat group robot: its webhook address, the platform, and DingTalk's signing secret."""

    url: str = Field(pattern=HTTP_URL, description="机器人 webhook 地址（http 或 https）")
    kind: str = Field(default="wecom", pattern="^(wecom|dingtalk)$", description="wecom 企业微信 或 dingtalk 钉钉")
    secret: str | None = Field(default=None, description="钉钉机器人“加签”密钥（SEC 开头）")


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
    hash_memory_mb: int = Field(default=128, ge=1,
                                description="memory the workbench may spend on password hashes at once (64 MB each)")
    session_idle_min: int = Field(default=30, ge=1, description="工作台会话闲置多少分钟后失效")
    public_url: str | None = Field(default=None, pattern=HTTP_URL,
                                   description="the workbench's address as users reach it (https: Secure cookies, HSTS)")
    audit_witness: Path | None = Field(default=None,
                                       description="append-only file of audit chain heads; default beside out_dir")
    webhook_url: str | None = Field(default=None, pattern=HTTP_URL, description="办公室工作群机器人的 webhook 地址")
    webhook_kind: str = Field(default="wecom", pattern="^(wecom|dingtalk)$")
    webhook_secret: str | None = Field(default=None, description="钉钉加签密钥")
    webhook_units: dict[str, Robot] = Field(
        default_factory=dict, description='单位自己的工作群机器人，JSON：{"单位名称": {"url": …, "kind": …, "secret": …}}')

    @property
    def office_robot(self) -> Robot | None:
        """The office's group robot, when one is configured."""
        return Robot(url=self.webhook_url, kind=self.webhook_kind, secret=self.webhook_secret) \
            if self.webhook_url else None
    # Limits on what users hand in: a careless or hostile file is refused before it is read.
    max_input_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="导入文件大小上限（字节）")
    max_expanded_bytes: int = Field(default=256 * 1024 * 1024, ge=1,
                                    description=".xlsx 解压后的总大小上限（字节），防压缩炸弹")
    max_sheet_cells: int = Field(default=2_000_000, ge=1, description=".xlsx 每个工作表的单元格范围上限（行×列）")
    max_table_rows: int = Field(default=20_000, ge=1, description="CSV/表格导入的数据行上限")
    problems_shown: int = Field(default=50, ge=1, description="导入被拒时列出的问题条数，其余只计数")
    future_days: int = Field(default=3, ge=0, description="--today/--on 最多可比今天晚几天")

    @property
    def witness_path(self) -> Path:
        """The audit witness: ZWGK_AUDIT_WITNESS, else ``<out_dir>.audit-witness.jsonl`` beside
        the output folder (outside it, so that clearing or restoring the folder keeps it)."""
        if self.audit_witness is not None:
            return self.audit_witness
        out = self.out_dir.resolve()
        return out.with_name(f"{out.name}.audit-witness.jsonl")

    @property
    def https(self) -> bool:
        """Whether users reach the workbench over HTTPS (ZWGK_PUBLIC_URL=https://…)."""
        return bool(self.public_url and self.public_url.startswith("https://"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
