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


class SiteLines(BaseModel):
    """Website monitoring (日常监测): the single-veto lines of 国办秘函〔2019〕19号《政府网站与政务新媒体
    检查指标》 and the warnings below them. Every threshold of zwgk.sites.rules is here, nowhere else;
    an office may set ``ZWGK_SITE_LINES='{"homepage_warn_days": 7}'``."""

    window_days: int = Field(default=7, ge=1, description="可访问性按最近几天的首页监测计算（国家要求监测 1 周）")
    unreachable_veto_pct: float = Field(default=5.0, gt=0, description="首页无法访问次数占比达到即单项否决（%）")
    unreachable_warn_pct: float = Field(default=3.0, gt=0, description="首页无法访问次数占比达到即预警（%）")
    homepage_veto_days: int = Field(default=14, ge=1, description="首页信息多少天未更新即单项否决")
    homepage_warn_days: int = Field(default=10, ge=1, description="首页信息多少天未更新即预警")
    news_veto_days: int = Field(default=14, ge=1, description="动态要闻类栏目多少天未更新即为不更新")
    news_warn_days: int = Field(default=10, ge=1, description="动态要闻类栏目多少天未更新即预警")
    notice_veto_months: int = Field(default=6, ge=1, description="通知公告、政策文件类栏目多少个月未更新即为不更新")
    notice_warn_months: int = Field(default=5, ge=1, description="通知公告、政策文件类栏目多少个月未更新即预警")
    other_veto_months: int = Field(default=12, ge=1, description="其他需要更新的栏目（政策解读、信息公开）多少个月未更新即为长期不更新")
    other_warn_months: int = Field(default=11, ge=1, description="其他需要更新的栏目多少个月未更新即预警")
    stale_columns_veto: int = Field(default=5, ge=1, description="同类（动态要闻，或通知公告和政策文件）不更新栏目达到几个即单项否决")
    long_stale_columns_veto: int = Field(default=10, ge=1, description="长期不更新栏目达到几个即单项否决")
    blank_columns_veto: int = Field(default=5, ge=1, description="空白栏目达到几个即单项否决")
    message_veto_months: int = Field(default=3, ge=1, description="留言超过几个月未回复即单项否决")
    message_warn_months: int = Field(default=2, ge=1, description="留言超过几个月未回复即预警")
    message_window_months: int = Field(default=12, ge=1, description="只看最近几个月内的留言（国家要求 1 年内）")


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
    # Annual reports on government information disclosure (zwgk reports).
    report_due: str = Field(default="01-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                            description="各单位报送上一年度政府信息公开工作年度报告的截止日（次年的 MM-DD），"
                                        "条例第四十九条为 1月31日")
    report_similarity: float = Field(default=0.6, gt=0, le=1,
                                     description="两份年报正文相同比例达到此值即列为“文字雷同”（0–1）")
    local_server_idle_min: float = Field(
        default=15, gt=0, description="本机共用的 Prefect 服务器空闲多少分钟后自动停止（嵌入模式）")
    warm_runner: bool = Field(default=True, description="嵌入模式下由预先加载好的本机进程运行流程（关闭则在命令自身的进程中运行）")

    # Website monitoring (zwgk.sites): how politely and how far pages are fetched, and the lines.
    site_timeout_s: float = Field(default=15.0, gt=0, description="打开一个网页的时限（秒），超时即无法访问")
    site_pause_s: float = Field(default=0.2, ge=0, description="对同一网站两次请求之间的间隔（秒）")
    site_parallel: int = Field(default=50, ge=1, description="同时发出的请求数（每个网站同时只有一个）")
    site_max_page_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, description="每个网页最多读取的字节数")
    site_max_redirects: int = Field(default=5, ge=0, description="最多跟随的重定向次数")
    site_max_pages: int = Field(default=5, ge=1, description="政策文件、政策解读、互动交流栏目最多翻几页")
    site_max_items: int = Field(default=20, ge=0, description="每个政策解读栏目最多打开几篇解读查看其链接")
    site_max_links: int = Field(default=40, ge=0, description="每个单位每轮最多检查几个站内链接（另加上次的错链），逐日轮换")
    site_user_agent: str | None = Field(default=None, description="访问网站时的 User-Agent，默认写明办公室名称")
    site_verify_tls: bool = Field(default=True, description="校验网站的 HTTPS 证书")
    site_lines: SiteLines = Field(default_factory=SiteLines, description="单项否决线和预警线")

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
