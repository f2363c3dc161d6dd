"""``zwgk audit verify``: the audit trail's one check."""

import typer

from zwgk.cli.common import Db, console, err, open_session
from zwgk.results.sealing import verify_trail

audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)



@audit_app.command("verify")
def audit_verify(db: Db = None) -> None:
    """校验审计日志：哈希链、与库外见证文件（ZWGK_AUDIT_WITNESS）记录的链头是否一致（链尾被截断、链被改写）、
    已封存的考核结果是否被改动；有问题时以非零状态退出
    / verify the audit chain against its witness outside the database, its anchors and the sealed results."""
    with open_session(db) as session:
        problem = verify_trail(session)
    if problem is not None:
        err.print(problem, style="red", markup=False, highlight=False)
        raise typer.Exit(1)
    console.print("审计日志完整，封存的考核结果与数据一致 (audit trail intact)")
