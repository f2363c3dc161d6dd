"""``zwgk init`` and ``zwgk check``: creating the database and checking that a district can start a cycle."""

from typing import Annotated

import typer

from models.catalog import sync_catalog
from models.district import district_profile
from zwgk.adapters.db import get_engine
from zwgk.cli.common import Db, Today, console, err, open_session, say
from zwgk.core.clock import office_today
from zwgk.core.settings import get_settings
from zwgk.demo.district import load_demo
from zwgk.setup.readiness import missing_for_cycle, warnings

NEXT_STEPS = """接下来 (next steps):
  1. zwgk district import district.yaml   区县名称、考核办法名称、两个发文机关（红头、文号代字）
  2. zwgk people import people.csv        领导小组、办公室、考核组人员
  3. zwgk units import units.csv          被考核单位（乡镇、社区服务中心和区直部门）
  4. zwgk check YEAR                      检查是否具备启动条件
  5. zwgk cycle start YEAR                启动年度考核，实施方案报领导小组审定
示例文件见 examples/ (sample files in examples/)."""



def init(
    demo: Annotated[bool, typer.Option("--demo", help="同时载入虚构的演示区县（单位、领导小组）")] = False,
    db: Db = None,
) -> None:
    """创建数据库表（可重复执行）/ create the schema idempotently, optionally with demo data."""
    with open_session(db) as session:
        sync_catalog(session)
        if demo:
            units, members = load_demo(session)
            console.print(f"已载入演示数据：{units} 个被考核单位，{members} 名人员。")
    console.print(f"数据库已就绪 (schema ready): {get_engine(db).url.render_as_string()}")
    if not demo:
        say(NEXT_STEPS)



def check(
    year: Annotated[int | None, typer.Argument(help="考核年度（默认：去年，即今年开展的考核）")] = None,
    today: Today = None,
    db: Db = None,
) -> None:
    """检查是否具备启动年度考核的条件（不启动）/ what the district lacks to start a cycle."""
    day = today or office_today()
    year = year or day.year - 1
    with open_session(db) as session:
        missing = missing_for_cycle(session, year=year, today=day)
        profile = district_profile(session)
    notes = warnings(get_settings())
    if profile.is_default:
        notes.insert(0, "尚未导入区县信息：文件将使用乌当区的默认名称和文号（zwgk district import FILE）")
    for line in notes:
        err.print(f"提示 (warning)：{line}", markup=False)
    if missing:
        err.print(f"不能启动 {year} 年度考核，还缺少 (missing)：", markup=False)
        for line in missing:
            err.print(f"  - {line}", markup=False)
        raise typer.Exit(1)
    say(f"可以启动 {year} 年度考核：zwgk cycle start {year} (ready)")
