"""`zwgk serve`: everything one office machine needs — a Prefect server on loopback (unless
PREFECT_API_URL names one) and one process serving the deployments of prefect.yaml."""

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from prefect.schedules import Cron

from zwgk.core.settings import REPO_ROOT

PREFECT_YAML = REPO_ROOT / "prefect.yaml"


def deployment_specs(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The deployments declared in prefect.yaml (anchors and merge keys resolved)."""
    return list(yaml.safe_load(path.read_text("utf-8"))["deployments"])


def build_deployments(specs: list[dict[str, Any]]) -> list[Any]:
    """RunnerDeployments for ``flow.serve`` from the prefect.yaml entries."""
    deployments = []
    for spec in specs:
        module_path, func = spec["entrypoint"].split(":")
        module = importlib.import_module(module_path.removesuffix(".py").replace("/", "."))
        deployments.append(getattr(module, func).to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            tags=spec.get("tags"),
            parameters=spec.get("parameters") or {},
            schedules=[Cron(s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules") or []],
        ))
    return deployments


def serve_deployments() -> None:
    """Serve every deployment of prefect.yaml from this process until interrupted."""
    from prefect import serve

    # Poll the API every second (default ten): a run resumed by an approval is picked up at
    # once, for one light query a second on the office's own server.
    serve(*build_deployments(deployment_specs()), query_seconds=1)


def wait_for_server(api_url: str, timeout: float = 90.0) -> None:
    """Block until the Prefect API answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # The Prefect API's http(s) address: PREFECT_API_URL, or the loopback server started here (B310).
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:  # nosec B310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Prefect 服务器 {api_url} 在 {timeout:.0f} 秒内未就绪 (server not ready)")


def run(port: int = 4200, web_port: int = 8040) -> int:
    """Start the server (if needed), the serving process and the workbench on loopback; stop
    them all on Ctrl-C."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="INFO")
    children: list[subprocess.Popen[bytes]] = []
    if not env.get("PREFECT_API_URL"):
        env["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
        children.append(subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)], env=env))
        wait_for_server(env["PREFECT_API_URL"])
    children.append(subprocess.Popen([sys.executable, "-c",
                                      "from zwgk.runner.serve import serve_deployments; serve_deployments()"],
                                     env=env, cwd=REPO_ROOT))
    children.append(subprocess.Popen([sys.executable, "-c", "from zwgk.cli.app import main; main()",
                                      "web", "--port", str(web_port)],
                                     env=env, cwd=REPO_ROOT))
    print(f"zwgk 已启动：Prefect API {env['PREFECT_API_URL']}，工作台 http://127.0.0.1:{web_port}/，"
          "按 Ctrl-C 停止。", flush=True)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in reversed(children):
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children if child.returncode is not None)
