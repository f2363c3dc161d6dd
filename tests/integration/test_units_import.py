"""`zwgk units import`: good files load, bad rows are reported by row and field, nothing half-written."""

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from models.units import Category, Unit
from zwgk.adapters.spreadsheets.tables import TableError
from zwgk.core.errors import ImportRejected
from zwgk.setup.units import parse_units, upsert_units

HEADER = "单位名称,类别,联系人,联系邮箱,分管领导\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_csv_loads_and_reimport_is_idempotent(tmp_path: Path, session: Session) -> None:
    path = write(tmp_path, "units.csv", "青岚镇,乡镇,赵一,a@example.org,钱二\n区教育局,部门,孙三,,李四\n")
    assert upsert_units(session, parse_units(path)[0]) == (2, 0)
    assert upsert_units(session, parse_units(path)[0]) == (0, 0)
    units = session.exec(select(Unit).order_by(Unit.id)).all()
    assert [(u.name, u.category) for u in units] == [
        ("青岚镇", Category.TOWNSHIP), ("区教育局", Category.DEPARTMENT)]


def test_xlsx_with_english_headers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "category", "contact_person", "contact_email", "openness_leader"])
    ws.append(["云雾镇", "township", "周五", "z@example.org", "吴六"])
    path = tmp_path / "units.xlsx"
    wb.save(path)
    assert [u.name for u in parse_units(path)[0]] == ["云雾镇"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (",乡镇,,,\n", "第 3 行 name"),
        ("青岚镇,街道,,,\n", "第 3 行 category"),
        ("青岚镇,乡镇,,not-an-email,\n", "第 3 行 contact_email"),
        ("青岚镇,乡镇,,,\n青岚镇,乡镇,,,\n", "第 4 行 name（单位名称）列：与第 3 行重复"),
    ],
)
def test_bad_row_names_row_and_field_and_imports_nothing(
    tmp_path: Path, session: Session, body: str, expected: str
) -> None:
    path = write(tmp_path, "bad.csv", "好单位,部门,,,\n" + body)
    with pytest.raises(ImportRejected) as info:
        parse_units(path)
    assert "bad.csv" in str(info.value)
    assert expected in str(info.value)
    assert session.exec(select(Unit)).all() == []


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", ",乡镇,,,\n某局,街道,,x,\n")
    with pytest.raises(ImportRejected) as info:
        parse_units(path)
    problems = info.value.problems
    assert len(problems) == 3
    assert "第 2 行 name（单位名称）列：不能为空" in problems[0]
    assert "第 3 行 category（类别）列：“街道”" in problems[1]
    assert "第 3 行 contact_email（联系邮箱）列：“x” 不是有效的邮箱地址" in problems[2]
    assert all(p.startswith("bad.csv [bad.csv]") for p in problems)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "文件为空"),
        ("notes.txt", b"hello", "只支持"),
        ("fake.xlsx", b"this is not a zip", "不是有效的 .xlsx"),
        ("header.csv", "foo,bar\n1,2\n".encode(), "表头"),
        ("only-header.csv", HEADER.encode(), "没有数据行"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((TableError, ImportRejected), match=expected):
        parse_units(path)
