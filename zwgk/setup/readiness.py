"""Is the district ready to start a cycle? What the procedure needs before its first step,
and what is merely useful (email, LibreOffice)."""

import shutil
import socket
from datetime import date

from sqlmodel import Session, col, func, select

from models.calendar import CalendarNotCovered, load_calendar
from models.cycle import Cycle
from models.scheme import SchemeConfig
from models.units import STATUTORY_LABELS, Category, Member, Unit
from zwgk.core.settings import Settings


class NotReady(ValueError):
    """The district lacks what a cycle needs; ``missing`` lists each thing."""

    def __init__(self, year: int, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"不能启动 {year} 年度考核，还缺少以下内容 (cannot start the {year} cycle):\n"
                         + "\n".join(f"  - {line}" for line in missing))


def missing_for_cycle(session: Session, *, year: int, today: date,
                      config: SchemeConfig | None = None) -> list[str]:
    """Everything the district lacks to run the ``year`` cycle from ``today``, one line each
    with the command that supplies it ([] when ready). A cycle that exists already needs nothing."""
    if session.exec(select(Cycle.id).where(Cycle.year == year)).first() is not None:
        return []
    missing = []
    roles = (
        (col(Member.leading_group_role) != "", "领导小组成员（组长、副组长或成员），审定实施方案和考核结果"),
        (col(Member.office_staff).is_(True), "领导小组办公室工作人员，审核考核结果、核验整改"),
        (col(Member.assessor).is_(True), "考核组成员（抽调人员）"),
    )
    for condition, what in roles:
        if not session.exec(select(func.count()).select_from(Member).where(condition)).one():
            missing.append(f"没有{what}：用 zwgk people import FILE 导入人员名单")
    for category in Category:
        count = session.exec(select(func.count()).select_from(Unit).where(
            Unit.category == category, col(Unit.retired).is_(False))).one()
        if not count:
            missing.append(f"没有“{STATUTORY_LABELS[category]}”类被考核单位：用 zwgk units import FILE 导入")
    periods = (config or SchemeConfig()).periods
    # Every period of the procedure laid end to end: the latest a deadline can fall.
    span = (periods.self_check_days + periods.group_scoring_days
            + periods.rectification_plan_days + periods.rectification_done_days)
    try:
        load_calendar(session).add_workdays(today, span)
    except CalendarNotCovered as exc:
        missing.append(f"没有 {exc.year} 年的工作日历（期限将落在该年）："
                       f"用 zwgk calendar import FILE 导入该年的节假日和调休上班日")
    return missing


def require_ready(session: Session, *, year: int, today: date) -> None:
    """Raise NotReady listing what is missing, or return when the cycle can start."""
    missing = missing_for_cycle(session, year=year, today=today)
    if missing:
        raise NotReady(year, missing)


def warnings(settings: Settings) -> list[str]:
    """What works without but is better with: email for reminders, LibreOffice for PDFs."""
    found = []
    if not settings.smtp_host:
        found.append("未配置邮件服务器（ZWGK_SMTP_HOST）：催办、督办通知只生成文件，不发邮件")
    else:
        try:
            socket.create_connection((settings.smtp_host, settings.smtp_port), timeout=3).close()
        except OSError as exc:
            found.append(f"邮件服务器 {settings.smtp_host}:{settings.smtp_port} 无法连接（{exc}）")
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        found.append("未安装 LibreOffice：zwgk documents pdf 不能生成 PDF 副本")
    return found
