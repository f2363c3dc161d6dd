"""The workbench's password rule, at creation (command line), reset and change, and the list of
common passwords shipped with the package."""

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from models.cycle import Cycle
from zwgk.cli.app import app
from zwgk.setup import accounts
from zwgk.setup.passwords import PASSWORD_RULE, _common, password_problem

REFUSED = {
    "11111111": "至少 12",
    "short-pass1": "至少 12",
    "x" * 129: "最多 128",
    "aaaaaaaaaaaa": "重复",
    "abcabcabcabc": "重复",
    "121212121212": "重复",
    "123456789012": "序列",
    "098765432109": "序列",
    "abcdefghijklmn": "序列",
    "zyxwvutsrqpo": "序列",
    "qwertyuiopas": "序列",
    "1qaz2wsx3edc": "序列",
    "acegikmoqsuw": "序列",
    "qwertyuiop12": "常见",
    "woaini131452": "常见",
    "Woaini1314!!": "常见",
    "password2026!": "常见",
    "P@ssw0rd12345": "常见",
    "zhongguo123456": "常见",
    "5201314woaini": "常见",
    "zhangsan-2026": "常见",
    "my-qinglan-pass": "登录名",
    "nalgniq-2026-x": "登录名",
}


@pytest.mark.parametrize(("password", "why"), REFUSED.items())
def test_weak_passwords_are_refused_saying_why(password: str, why: str) -> None:
    problem = password_problem(password, login="qinglan")
    assert problem is not None and why in problem, (password, problem)


@pytest.mark.parametrize("password", ["correct-horse-1", "青岚镇政务公开工作2026", "tide-lantern-ferry", "Qd7#kLm2pX9z"])
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password, login="qinglan") is None


def test_the_list_is_a_few_thousand_common_passwords() -> None:
    common = _common()
    assert 3000 <= len(common) <= 10000
    assert {"123456789012", "qwertyuiop12", "woaini1314", "1qaz2wsx3edc", "password"} <= common


def test_creation_refuses_a_weak_password_and_the_help_shows_the_rule(session: Session, demo_cycle: Cycle,
                                                                      db_url: str) -> None:
    runner = CliRunner()
    help_text = runner.invoke(app, ["accounts", "create", "--help"], terminal_width=200).output
    assert "至少 12 个字符" in " ".join(help_text.split()) and "常见密码" in help_text
    for weak in ("11111111", "123456789012", "woaini1314520"):
        result = runner.invoke(app, ["accounts", "create", "zhangmy", "--person", "张明远", "--password-stdin",
                                     "--db", db_url], input=weak + "\n")
        assert result.exit_code != 0, weak
    result = runner.invoke(app, ["accounts", "create", "zhangmy", "--person", "张明远", "--password-stdin",
                                 "--db", db_url], input="tide-lantern-ferry\n")
    assert result.exit_code == 0, result.output


def test_one_time_passwords_meet_the_rule_and_change_refuses_weak_ones(session: Session, demo_cycle: Cycle) -> None:
    account, one_time = accounts.create_account(session, login="qinglan", unit="青岚镇（演示）", actor="测试")
    assert one_time is not None and password_problem(one_time, login="qinglan") is None
    reset = accounts.reset_password(session, login="qinglan", actor="测试")
    assert password_problem(reset, login="qinglan") is None
    for weak in ("qwertyuiop12", "qinglan-2026-a", "aaaaaaaaaaaaaa"):
        with pytest.raises(accounts.AccountError):
            accounts.change_password(session, account_id=account.id, old=reset, new=weak)  # type: ignore[arg-type]
    assert "12" in PASSWORD_RULE
    accounts.change_password(session, account_id=account.id, old=reset, new="tide-lantern-ferry")  # type: ignore[arg-type]
