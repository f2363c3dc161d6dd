"""Careless and hostile files and options: refused whole with one line per problem naming the
file, row and column; nothing written; GBK read as Excel saves it; limits on size, rows and
the problems shown."""

import hashlib
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from models.audit import AuditEntry
from models.text import TextRefused
from models.units import Unit
from zwgk.adapters.spreadsheets.tables import TableError, read_rows
from zwgk.core.errors import ImportRejected
from zwgk.core.settings import get_settings
from zwgk.demo.district import load_demo
from zwgk.intake.uploads import UploadRefused, shown_name
from zwgk.setup.accounts import create_account
from zwgk.setup.units import UNIT_HEADERS, import_units, rename_unit

HEADER = "单位名称,类别,联系人,联系邮箱,分管领导\n"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Small limits, to build files over them cheaply."""
    monkeypatch.setenv("ZWGK_MAX_INPUT_BYTES", "4000")
    monkeypatch.setenv("ZWGK_MAX_TABLE_ROWS", "30")
    monkeypatch.setenv("ZWGK_PROBLEMS_SHOWN", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_gbk_csv_is_imported_and_the_encoding_named(tmp_path: Path, session: Session) -> None:
    path = tmp_path / "单位.csv"
    path.write_bytes((HEADER + "青岚镇,乡镇,赵一,,钱二\n").encode("gbk"))
    done = import_units(session, path, actor="李文")
    assert (done.added, done.encoding) == (1, "GB18030/GBK")
    assert session.exec(select(Unit.name)).all() == ["青岚镇"]


@pytest.mark.parametrize("name", ["区教\u200b育局", "区教育局\u202e", "\u2066区教育局", "区教\x07育局",
                                  '"区教\n育局"', "区教育局\ufeff"])
def test_invisible_characters_in_a_name_reject_the_file(tmp_path: Path, session: Session, name: str) -> None:
    path = tmp_path / "units.csv"
    path.write_text(HEADER + "好单位,部门,,,\n" + f"{name},部门,,,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_units(session, path, actor="李文")
    assert "units.csv 第 3 行 单位名称 列" in str(info.value)
    assert session.exec(select(Unit)).all() == []
    assert session.exec(select(AuditEntry)).all() == []


def test_names_are_stored_in_nfc(tmp_path: Path, session: Session) -> None:
    path = tmp_path / "units.csv"
    path.write_text(HEADER + " Cafe\u0301局 ,部门,,,\n", encoding="utf-8")
    import_units(session, path, actor="李文")
    assert session.exec(select(Unit.name)).all() == ["Caf\u00e9局"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, limits: None) -> None:
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "某单位,部门,,,\n" * 400, encoding="utf-8")
    with pytest.raises(TableError, match="big.csv: 文件大小 .* 超过上限"):
        read_rows(path, UNIT_HEADERS)


def test_a_file_over_the_row_limit_is_refused(tmp_path: Path, limits: None) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(f"单位{i},部门,,,\n" for i in range(31)), encoding="utf-8")
    with pytest.raises(TableError, match="31 行数据，超过上限 30 行"):
        read_rows(path, UNIT_HEADERS)


def test_problems_shown_are_capped_with_a_count(tmp_path: Path, session: Session, limits: None) -> None:
    path = tmp_path / "junk.csv"
    path.write_text(HEADER + "".join(f"单位{i},街道,,,\n" for i in range(20)), encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_units(session, path, actor="李文")
    lines = str(info.value).splitlines()
    assert len(info.value.problems) == 20
    assert len(lines) == 6 and "另有 15 处问题未列出" in lines[-1]


def test_the_import_is_audited_with_the_files_hash(tmp_path: Path, session: Session) -> None:
    path = tmp_path / "units.csv"
    path.write_text(HEADER + "青岚镇,乡镇,,,\n", encoding="utf-8")
    import_units(session, path, actor="李文")
    [entry] = session.exec(select(AuditEntry)).all()
    assert (entry.actor, entry.action) == ("李文", "units.import")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in entry.comment


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=600))
def test_fuzzed_csv_is_read_or_refused_in_one_message(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(HEADER.encode("utf-8") + body)
    try:
        table = read_rows(path, UNIT_HEADERS)
    except (TableError, ImportRejected) as exc:
        assert "fuzz.csv" in str(exc)
        return
    for row in table.rows:
        for value in row.cells.values():
            assert value == value.strip() and "\n" not in value


def _zwgk(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZWGK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "ZWGK_OUT_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", "from zwgk.cli.app import main; main()", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)


def test_an_option_with_a_bidi_override_is_refused_naming_it(tmp_path: Path) -> None:
    result = _zwgk("approve", "2025", "scheme", "--decision", "approve", "--by", "张明\u202e远", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "命令行参数 --by" in result.stderr and "U+202E" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_unit_name_passes_the_same_check(session: Session) -> None:
    load_demo(session)
    with pytest.raises(TextRefused, match="新单位名称.*U\\+200B"):
        rename_unit(session, old="青岚镇（演示）", new="青岚\u200b街道", actor="李文")
    assert rename_unit(session, old="青岚镇（演示）", new=" 青岚街道\u0301 ", actor="李文").name == \
        unicodedata.normalize("NFC", "青岚街道\u0301")
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "units.rename")).one()
    assert entry.actor == "李文" and "青岚镇（演示）" in entry.comment


@pytest.mark.parametrize(("sent", "shown"), [
    ("C:\\Users\\li\\自查评分表.xlsx", "自查评分表.xlsx"),
    ("../../etc/passwd", "passwd"),
    (" 佐证.pdf ", "佐证.pdf"),
])
def test_an_upload_name_is_only_its_last_part(sent: str, shown: str) -> None:
    assert shown_name(sent) == shown


def test_an_upload_name_with_a_direction_override_is_refused() -> None:
    with pytest.raises(UploadRefused, match="U\\+202E"):
        shown_name("evil\u202egpj.exe")


def test_a_login_with_invisible_characters_cannot_be_created(session: Session) -> None:
    load_demo(session)
    with pytest.raises(TextRefused, match="登录名"):
        create_account(session, login="li\u200dwen", actor="李文", unit="青岚镇（演示）")
