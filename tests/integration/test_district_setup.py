"""Setting a district up: people, the district profile, unit corrections and the readiness
check, as the office meets them on the command line."""

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from models.assessment import Assessment
from models.audit import AuditEntry
from models.cycle import Cycle
from models.district import DistrictProfile
from models.units import Category, Member, Unit
from zwgk.adapters.files import file_sha256
from zwgk.cli.app import app
from zwgk.core.errors import ImportRejected
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.setup.people import parse_people
from zwgk.setup.readiness import missing_for_cycle
from zwgk.setup.units import parse_units, upsert_units

EXAMPLES = Path(__file__).parents[2] / "examples"
HEADER = "姓名,所在单位,职务,角色,手机,邮箱\n"


def invoke(db_url: str, *args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, [*args, "--db", db_url])
    return result.exit_code, result.output, result.exception


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_people_file_with_problems_is_refused_whole_naming_row_and_column(
        tmp_path: Path, session: Session) -> None:
    path = write(tmp_path, "people.csv", HEADER + (
        "林若川,云溪区人民政府,副区长,领导小组组长,13800000001,\n"
        ",云溪区司法局,副局长,考核组,,\n"
        "何静姝,,主任,领导小组副组长、领导小组成员,12-3,hejingshu@\n"
        "林若川,云溪区人民政府办公室,科员,处长,,\n"
        "唐一鸣,云溪区人民政府办公室,科员,,,\n"))
    with pytest.raises(ImportRejected) as refused:
        parse_people(path)
    problems = refused.value.problems
    expected = [("第 3 行", "姓名列：不能为空"), ("第 4 行", "所在单位列：不能为空"),
                ("第 4 行", "角色列：领导小组职务只能有一个"), ("第 4 行", "手机列：“12-3”"),
                ("第 4 行", "邮箱列：“hejingshu@”"), ("第 5 行", "姓名列：与第 2 行重复"),
                ("第 5 行", "角色列：“处长”不是可用的角色"), ("第 6 行", "角色列：不能为空")]
    for row, text in expected:
        assert any(row in p and text in p and "people.csv" in p for p in problems), (row, text, problems)
    assert len(problems) == len(expected)
    code, output, _ = invoke(str(session.get_bind().url), "people", "import", str(path))
    assert code != 0
    assert session.exec(select(func.count()).select_from(Member)).one() == 0


def test_people_import_from_xlsx_then_reimport_says_what_changed(
        tmp_path: Path, session: Session, db_url: str) -> None:
    book = Workbook()
    sheet = book.active
    for row in [["姓名", "所在单位", "职务", "角色", "手机", "邮箱"],
                ["林若川", "云溪区人民政府", "副区长", "领导小组组长", "13800000001", ""],
                ["苏映雪", "云溪区人民政府办公室", "科长", "办公室,考核组", "", "su@yunxi.example"]]:
        sheet.append(row)
    book.save(tmp_path / "people.xlsx")
    code, output, exc = invoke(db_url, "people", "import", str(tmp_path / "people.xlsx"))
    assert code == 0, (output, exc)
    assert "新增 2 人" in output and "苏映雪（办公室、考核组）" in output

    path = write(tmp_path, "people.csv", HEADER + "林若川,云溪区人民政府,区长,领导小组组长,13800000001,\n")
    # From now on the roster has office staff: the import is done by one of them.
    code, output, _ = invoke(db_url, "people", "import", str(path), "--by", "苏映雪")
    assert "更新 1 人" in output and "职务 副区长 → 区长" in output
    assert "另有 1 人不在本文件中" in output and "苏映雪" in output
    code, output, _ = invoke(db_url, "people", "list", "--json")
    people = {p["name"]: p for p in json.loads(output)}
    assert people["林若川"]["position"] == "区长"
    assert people["苏映雪"]["roles"] == ["办公室", "考核组"]
    assert people["苏映雪"]["email"] == "su@yunxi.example"  # the last column of the sheet
    audited = session.exec(select(AuditEntry).where(AuditEntry.action == "people.import")
                           .order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [json.loads(a.comment) for a in audited] == [
        {"file": "people.xlsx", "sha256": file_sha256(tmp_path / "people.xlsx"), "added": 2, "updated": 0},
        {"file": "people.csv", "sha256": file_sha256(path), "added": 0, "updated": 1}]


def test_removing_a_person_keeps_the_name_on_decisions_and_is_audited(
        session: Session, db_url: str) -> None:
    load_demo(session)
    code, output, _ = invoke(db_url, "people", "remove", "张明远")
    assert code == 0 and "已删除：张明远（领导小组组长）" in output
    session.expire_all()
    assert session.exec(select(Member).where(Member.name == "张明远")).first() is None
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "people.remove")).one().actor
    code, _, exc = invoke(db_url, "people", "remove", "张明远")
    assert isinstance(exc, LookupError)


def test_district_profile_is_imported_shown_and_defaults_say_so(tmp_path: Path, db_url: str) -> None:
    code, output, _ = invoke(db_url, "district", "show")
    assert "尚未导入区县信息" in output and "乌府公开办" in output
    code, output, _ = invoke(db_url, "district", "import", str(EXAMPLES / "district.yaml"))
    assert code == 0 and "区县名称：乌当区 → 云溪区" in output
    code, output, _ = invoke(db_url, "district", "show", "--json")
    shown = json.loads(output)
    assert shown["district"] == "云溪区" and not shown["is_default"]
    assert shown["organs"]["office"] == {"name": "云溪区政务公开工作领导小组办公室",
                                         "mark": "云溪区政务公开工作领导小组办公室文件", "prefix": "云府公开办"}
    code, output, _ = invoke(db_url, "district", "import", str(EXAMPLES / "district.yaml"))
    assert "未作改动" in output


@pytest.mark.parametrize(("text", "complaints"), [
    ("district: 云溪区\nmeasures: 某办法\norgans:\n  office: {name: a, mark: b, prefix: c}\n",
     ["organs.leading_group：缺少"]),
    ("district: 云溪区\nmeasures: ''\ncolour: red\norgans:\n  leading_group: {name: a, mark: b, prefix: ' '}\n"
     "  office: {name: a, mark: b, prefix: c, seal: d}\n",
     ["measures：应为非空文字", "colour：不认识的键", "organs.leading_group.prefix", "organs.office.seal：不认识的键"]),
    ("- just\n- a list\n", ["应为键值表"]),
    ("district: [unclosed\n", ["不是有效的 UTF-8 YAML"]),
    ('district: "云溪\\u202e区"\nmeasures: 办法\norganms: {}\n',
     ["d.yaml district：第 3 个字符是不可见的控制或方向字符 U+202E", "organms：不认识的键"]),
])
def test_bad_district_files_are_refused_naming_the_key(tmp_path: Path, session: Session, db_url: str,
                                                       text: str, complaints: list[str]) -> None:
    code, output, exc = invoke(db_url, "district", "import", str(write(tmp_path, "d.yaml", text)))
    assert isinstance(exc, ImportRejected)
    for complaint in complaints:
        assert any(complaint in p for p in exc.problems), (complaint, exc.problems)
    assert session.get(DistrictProfile, 1) is None


def test_rename_and_retire_units(session: Session, db_url: str) -> None:
    load_demo(session)
    code, _, exc = invoke(db_url, "units", "rename", "青岚镇（演示）", "白鹭乡（演示）")
    assert isinstance(exc, ValueError) and "已有名为" in str(exc)
    code, output, _ = invoke(db_url, "units", "rename", "青岚镇（演示）", "青岚街道（演示）")
    assert code == 0
    first = start_cycle(session=session, year=2025, actor="测试")
    code, output, _ = invoke(db_url, "units", "retire", "区统计局（演示）")
    assert code == 0 and "仍参加正在进行的 2025 年度考核" in output
    units = {u["name"]: u for u in json.loads(invoke(db_url, "units", "list", "--json")[1])}
    assert units["区统计局（演示）"]["retired"] and "青岚街道（演示）" in units
    assert isinstance(units["青岚街道（演示）"]["id"], int)
    second = start_cycle(session=session, year=2026, actor="测试")
    assessed = {c.year: len(session.exec(select(Assessment.unit_id).where(Assessment.cycle_id == c.id)).all())
                for c in (first, second)}
    assert assessed == {2025: 40, 2026: 39}


def test_category_cannot_change_under_a_running_cycle(tmp_path: Path, session: Session) -> None:
    load_demo(session)
    start_cycle(session=session, year=2025, actor="测试")
    path = write(tmp_path, "units.csv", "单位名称,类别\n青岚镇（演示）,部门\n")
    with pytest.raises(ImportRejected, match="正在参加 2025 年度考核"):
        upsert_units(session, parse_units(path)[0])
    session.expire_all()
    unit = session.exec(select(Unit).where(Unit.name == "青岚镇（演示）")).one()
    assert unit.category == Category.TOWNSHIP


def test_cycle_start_on_an_empty_district_is_refused_listing_what_is_missing(db_url: str,
                                                                             session: Session) -> None:
    code, output, exc = invoke(db_url, "cycle", "start", "2025", "--today", "2026-01-05")
    message = str(exc)
    for missing in ("没有领导小组成员", "没有领导小组办公室工作人员", "没有考核组成员",
                    "乡(镇)人民政府、社区服务中心", "区直部门"):
        assert missing in message
    assert session.exec(select(func.count()).select_from(Cycle)).one() == 0
    code, output, _ = invoke(db_url, "check", "2025", "--today", "2026-01-05")
    assert code == 1


def test_readiness_names_a_year_without_a_working_day_calendar(session: Session) -> None:
    load_demo(session)
    assert missing_for_cycle(session, year=2025, today=date(2026, 1, 5)) == []
    late = missing_for_cycle(session, year=2026, today=date(2026, 11, 20))
    assert len(late) == 1 and "2027 年的工作日历" in late[0] and "zwgk calendar import" in late[0]
