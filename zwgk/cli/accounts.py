"""``zwgk accounts …``: the workbench's logins (registered by zwgk.cli)."""

import sys
from typing import Annotated

import typer
from rich.table import Table

from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    console,
    open_session,
    print_json,
    say,
)
from zwgk.core.permissions import Action, require
from zwgk.setup import accounts
from zwgk.setup.passwords import PASSWORD_RULE, RULE_GLOSS

accounts_app = typer.Typer(help="工作台账户 / workbench accounts", no_args_is_help=True)

Login = Annotated[str, typer.Argument(help="登录名")]


def _hand_out(login: str, password: str) -> None:
    say(f"一次性密码（请当面或电话交给本人，首次登录须修改）：{password}")
    say(f"(one-time password for {login}; it must be changed at the first login)")


@accounts_app.command("create", help=f"为一个人或一个单位创建工作台账户 / create a login for a person or a unit.\n\n"
                     f"不加 --password-stdin 时生成一次性密码。{PASSWORD_RULE} {RULE_GLOSS}")
def accounts_create(
    login: Login,
    person: Annotated[str | None, typer.Option("--person", help="人员名单中的姓名（领导小组、办公室、考核组）")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="被考核单位名称（该单位联系人使用）")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help=f"从标准输入读取密码（不生成一次性密码）；{PASSWORD_RULE}")] = False,
    by: By = "",
    db: Db = None,
) -> Changed:
    """Create an account (help: the decorator's, which shows the password rule)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        account, one_time = accounts.create_account(session, login=login, person=person, unit=unit,
                                                    password=password, actor=by)
    say(f"已创建账户 {account.login}（{person or unit}）。")
    if one_time:
        _hand_out(login, one_time)
    return Changed()


@accounts_app.command("reset")
def accounts_reset(login: Login, by: By = "", db: Db = None) -> Changed:
    """重置密码：生成新的一次性密码，结束该账户已登录的会话，清除登录失败记录（不再需要等待）
    / give an account a new one-time password, end its sessions and clear its failed logins."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        password = accounts.reset_password(session, login=login, actor=by)
    say(f"已重置 {login} 的密码。")
    _hand_out(login, password)
    return Changed()


@accounts_app.command("disable")
def accounts_disable(login: Login, by: By = "", db: Db = None) -> Changed:
    """停用账户（已登录的会话立即失效）/ disable an account (its sessions end at once)."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        accounts.disable_account(session, login=login, actor=by)
    say(f"已停用账户 {login}。")
    return Changed()


@accounts_app.command("list")
def accounts_list(as_json: AsJson = False, db: Db = None) -> None:
    """列出工作台账户 / list accounts."""
    with open_session(db) as session:
        rows = accounts.list_accounts(session)
    if as_json:
        print_json([row.__dict__ for row in rows])
        return
    table = Table(title=f"工作台账户（{len(rows)} 个）")
    for col in ("登录名", "账户类型", "人员或单位", "角色", "状态"):
        table.add_column(col, overflow="fold")
    for r in rows:
        state = "已停用" if r.disabled else ("待修改一次性密码" if r.must_change_password else "正常")
        table.add_row(r.login, r.kind, r.holder, r.roles, state)
    console.print(table)
