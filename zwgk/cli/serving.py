"""``zwgk web``, ``zwgk serve`` and ``zwgk demo``: the workbench, one office machine's services, the demo."""

import os
from datetime import date
from typing import Annotated

import typer

from models.stages import Stage
from zwgk.cli.common import Db, console, date_option, use_database
from zwgk.core.settings import get_settings

WebPort = Annotated[int, typer.Option("--web-port", help="工作台端口")]


def web(
    host: Annotated[str, typer.Option("--host", help="监听地址（默认仅本机）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8040,
    today: Annotated[date | None, date_option("工作台按此日期办理（演示、补办；默认今天）", "--today")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=16, help="工作进程数（默认 1）：报送截止日许多单位同时上传时，"
                                         "每个处理器一个进程（如双核用 2）")] = 1,
    db: Db = None,
) -> None:
    """启动工作台（浏览器访问，各人以本人账户登录办理）/ serve the workbench."""
    import uvicorn

    from zwgk.web.app import TODAY_VARIABLE, create_app, prepare_database

    use_database(db)
    console.print(f"工作台：http://{host}:{port}/ （{workers} 个工作进程，Ctrl-C 停止）", markup=False)
    if workers == 1:
        uvicorn.run(create_app(today=today), host=host, port=port, log_level="warning")
        return
    # One Python process uses one processor at a time: a deadline-day crowd is served by as many
    # processes as there are processors. The schema is made once here, before they start.
    prepare_database()
    if today is not None:
        os.environ[TODAY_VARIABLE] = today.isoformat()
    uvicorn.run("zwgk.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


def serve(
    port: Annotated[int, typer.Option(help="本机 Prefect 服务器端口（仅在未设置 PREFECT_API_URL 时启动）")] = 4200,
    web_port: WebPort = 8040,
    db: Db = None,
) -> None:
    """启动本机 Prefect 服务器、prefect.yaml 的全部部署（年度考核、催办、整改督办、网站监测）和工作台，Ctrl-C 停止 / serve everything."""
    from zwgk.runner.serve import run

    use_database(db)  # the serving process and the runs it starts inherit it
    raise typer.Exit(run(port, web_port))


def demo(
    keep: Annotated[bool, typer.Option("--keep", help="在已有演示数据上继续（中断后续跑），不清空")] = False,
    db: Annotated[str | None, typer.Option("--db", help="演示数据库 URL（默认 out/zwgk-demo.db）")] = None,
) -> None:
    """在虚构的演示区县上完整运行一轮年度考核，文件写入 out/ / run a whole scripted cycle."""
    from zwgk.demo.script import run_demo

    out_dir = get_settings().out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    url = db or f"sqlite:///{out_dir / 'zwgk-demo.db'}"
    use_database(url)
    result = run_demo(db_url=url, out_dir=out_dir, fresh=not keep, console=console)
    console.print(f"演示完成：阶段 {result.stage}，共 {result.documents} 件文件，见 {result.out_dir}/")
    if result.stage is not Stage.CLOSED:
        raise typer.Exit(1)
