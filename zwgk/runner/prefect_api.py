"""The Prefect server calls that `zwgk approve` and `cycle resume` make, without importing Prefect.

Importing Prefect costs a fresh process about a second (its settings models alone most of it),
the largest part of the time from `zwgk approve` to the resumed run's first step. Resuming a
suspended run is two calls of the server's REST API (read the run's state, post the resume
with the gate's input, which the server validates against the form's schema), so they are made
here with the standard library.

Settings: when ``PREFECT_API_URL`` is in the environment (as `zwgk serve` and the README's
multi-machine set-up give it), it and ``PREFECT_API_KEY`` / ``PREFECT_API_AUTH_STRING`` are read
from the environment; otherwise from Prefect's active profile, which imports Prefect, unless no
profile or settings file could name a server (then the environment is all there is).
"""

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

from zwgk.adapters.http import send_json
from zwgk.runner.local_server import prefect_home

#: Answers of a busy server that are tried again (as Prefect's own client does), and how often.
RETRIED = (429, 502, 503)
RETRIES = 5


def setting(name: str) -> str | None:
    """A Prefect setting such as ``PREFECT_API_KEY`` (see the module's docstring); None when unset."""
    if os.environ.get("PREFECT_API_URL") or not _settings_beyond_environment():
        return os.environ.get(name) or None
    import prefect.settings

    value = getattr(prefect.settings, name).value()
    return str(value.get_secret_value() if hasattr(value, "get_secret_value") else value) if value else None


def _settings_beyond_environment() -> bool:
    """Whether Prefect could find a server named outside the environment: a profile chosen by
    ``PREFECT_PROFILE`` (Prefect's own ``local`` names one), a profiles file, or a ``.env``,
    ``prefect.toml`` or ``pyproject.toml`` with Prefect settings in the working folder. Without
    any (an office machine in embedded mode), the environment is all there is, and asking Prefect
    would cost the command its import (1–2 s) for nothing."""
    if os.environ.get("PREFECT_PROFILE", "ephemeral") != "ephemeral":
        return True
    candidates = {Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml"): "API_URL",
                  Path("~/.prefect/profiles.toml").expanduser(): "API_URL", Path(".env"): "PREFECT_",
                  Path("prefect.toml"): "", Path("pyproject.toml"): "[tool.prefect"}
    for path, mark in candidates.items():
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        if mark in text:
            return True
    return False


def ui_url() -> str | None:
    """The Prefect UI's address: PREFECT_UI_URL, else the API's without its ``/api`` (as Prefect
    derives it for a self-hosted server)."""
    api = setting("PREFECT_API_URL")
    return setting("PREFECT_UI_URL") or (api.removesuffix("/").removesuffix("/api") if api else None)


class NotOnServer(RuntimeError):
    """The server does not know the object (a run started in embedded mode or on another server)."""


#: The state type of a run the configured server does not know.
UNKNOWN_RUN = "UNKNOWN"


def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One JSON call to the configured API; its decoded answer. RuntimeError (a clear message)
    when the server cannot be reached or refuses the call."""
    api = setting("PREFECT_API_URL")
    assert api, "no Prefect API configured"
    headers: dict[str, str] = {}
    if auth := setting("PREFECT_API_AUTH_STRING"):
        headers["Authorization"] = f"Basic {base64.b64encode(auth.encode('utf-8')).decode('ascii')}"
    elif key := setting("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {key}"
    attempt = 0
    while True:
        try:
            answer = send_json(method, f"{api.rstrip('/')}/{path}", body, headers=headers, timeout=30)
        except OSError as error:
            raise RuntimeError(f"无法连接 Prefect 服务器 {api}（{error}）。请先运行 zwgk serve，或检查 "
                               "PREFECT_API_URL。 (cannot reach the Prefect server)") from error
        if answer.status in RETRIED and attempt < RETRIES:
            # A busy server (its database locked) answers 503: try again, as Prefect's client does.
            time.sleep(float(answer.retry_after or 2 ** attempt))
            attempt += 1
            continue
        if answer.status == 404:
            raise NotOnServer(f"Prefect 服务器 {api} 上没有 /{path} (not found on the server)")
        if answer.status >= 400:
            raise RuntimeError(f"Prefect 服务器 {api} 拒绝了请求 {method} /{path}：{answer.status} "
                               f"{answer.text[:300]} (request refused)")
        return json.loads(answer.text or "null")


def run_state(flow_run_id: str) -> tuple[str, str]:
    """The run's state type (``PAUSED``, ``RUNNING``…) and name; UNKNOWN_RUN for a run the
    configured server does not know."""
    try:
        state = call("GET", f"flow_runs/{flow_run_id}").get("state") or {}
    except NotOnServer:
        return UNKNOWN_RUN, ""
    return state.get("type", ""), state.get("name", "")


def resume_run(flow_run_id: str, run_input: dict[str, str] | None) -> None:
    """Resume a paused run with ``run_input``; RuntimeError if the server does not accept it."""
    result = call("POST", f"flow_runs/{flow_run_id}/resume", {"run_input": run_input})
    if result.get("status") != "ACCEPT":
        reason = (result.get("details") or {}).get("reason", "")
        raise RuntimeError(f"Prefect 服务器未能恢复运行 {flow_run_id}：{reason} (resume refused)")


def cancel_run(flow_run_id: str) -> None:
    """Cancel a run (a withdrawn cycle's run suspended at its first gate); RuntimeError if the
    server refuses it. A run already finished is left as it is."""
    kind, _name = run_state(flow_run_id)
    if kind in ("COMPLETED", "CANCELLED", "FAILED", "CRASHED", UNKNOWN_RUN):
        return
    result = call("POST", f"flow_runs/{flow_run_id}/set_state",
                  {"state": {"type": "CANCELLED", "name": "Cancelled", "message": "年度考核已撤销"}, "force": True})
    if result.get("status") not in ("ACCEPT", None):
        raise RuntimeError(f"Prefect 服务器未能取消运行 {flow_run_id} (cancel refused)")
