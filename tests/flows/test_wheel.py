"""A wheel built from the repository installs and runs on its own, away from the checkout.

The wheel is built the way a district or a worker machine would get zwgk (``pip wheel .``,
without the network: the test environment's setuptools builds it), installed with ``--no-deps``
into a fresh virtual environment whose dependencies come from the test environment's
site-packages, and run from a folder outside the repository: the schema, the demo district, a
cycle started and its scheme approved, the scheme notice rendered from the packaged template.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from docx import Document

REPO = Path(__file__).parents[2]


def run(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_holds_everything_and_runs_a_cycle_outside_the_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZWGK_", "PREFECT_API"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    source = tmp_path / "source"  # a clean copy: setuptools would reuse a build/ folder of the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "out", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", "*.db*"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
        str(tmp_path / "dist"), str(source), cwd=tmp_path, env=env)
    [wheel] = (tmp_path / "dist").glob("zwgk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("zwgk/cli/app.py", "zwgk/documents/issue/scheme.py", "zwgk/web/templates/base.html",
                     "zwgk/web/static/zwgk.css", "doc_templates/关于印发年度政务公开工作考核实施方案的通知.docx",
                     "doc_templates/考核结果公示.html.j2", "models/data/demo_district.yaml", "flows/annual.py",
                     "tasks/cycle.py", "zwgk/setup/data/common_passwords.txt"):
        assert expected in names, expected

    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies (and pip) from the test environment; zwgk itself only from the wheel.
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel), cwd=tmp_path, env=env)

    work = tmp_path / "office"
    work.mkdir()
    located = run(str(python), "-c", "import zwgk, doc_templates; print(zwgk.__file__)", cwd=work, env=env)
    assert located.startswith(site), located
    zwgk = str(fresh / "bin" / "zwgk")
    run(zwgk, "init", "--demo", cwd=work, env=env)
    run(zwgk, "cycle", "start", "2025", "--today", "2026-01-05", "--by", "王晓岚", cwd=work, env=env)
    run(zwgk, "approve", "2025", "scheme", "--decision", "approve", "--by", "张明远", "--today", "2026-01-07",
        cwd=work, env=env)
    [notice] = (work / "out" / "2025" / "01-实施方案").glob("*实施方案的通知.docx")
    text = "\n".join(p.text for p in Document(str(notice)).paragraphs)
    assert "关于印发《2025年度政务公开工作考核实施方案》的通知" in text
    # The workbench's password rule reads its list of common passwords from the installed package.
    refused = subprocess.run([zwgk, "accounts", "create", "zhang", "--person", "张明远", "--password-stdin",
                              "--by", "王晓岚"],
                             input="qwertyuiop12\n", capture_output=True, text=True, cwd=work, env=env)
    assert refused.returncode != 0 and "常见密码" in refused.stdout + refused.stderr
