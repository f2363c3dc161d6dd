"""The public results page: what the public may read, and nothing else, on a phone and a desktop."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.units import Unit
from tests.integration.documents_fixtures import (  # noqa: F401  (fixture)
    COMMENT,
    EVIDENCE,
    Scored,
    issue_everything,
    scored,
)
from zwgk.documents.issue.publish import publish_results_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
MEASURE = ("<script>document.body.insertAdjacentHTML('beforeend', '<p id=\"measured\">' + "
           "document.documentElement.scrollWidth + 'x' + window.innerWidth + '</p>');</script>")


@pytest.fixture
def page(session: Session, scored: Scored, tmp_path: Path) -> Path:  # noqa: F811
    issue_everything(session, scored, tmp_path / "out")
    return publish_results_page(session=session, cycle_id=scored.cycle_id,
                                          out_dir=tmp_path / "out")


def test_the_page_shows_results_and_the_circulars_number(session: Session, page: Path) -> None:
    html = page.read_text("utf-8")
    number = re.search(r"乌府公开办〔2026〕\d+号", html)
    assert number and "2026年3月2日" in html
    assert "乡(镇)人民政府、社区服务中心" in html and "区直部门" in html
    assert "甲&amp;乙&lt;镇&gt;&#34;〔试点〕社区服务中心" in html  # escaped, shows verbatim
    assert "<td class=\"score\">94.0</td>" in html and "优秀" in html and "不合格" in html
    assert page.parent.name == "05-通报公布" and page.is_absolute()


def test_the_page_holds_nothing_that_is_not_public(session: Session, page: Path) -> None:
    html = page.read_text("utf-8")
    units = session.exec(select(Unit)).all()
    for secret in (EVIDENCE, COMMENT, "未按时召开专题会议", "自查材料中伪造会议记录", "周海宁", "张明远",
                   *(u.contact_email for u in units if u.contact_email),
                   *(u.contact_person for u in units if u.contact_person)):
        assert secret not in html, secret
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")


def test_publishing_needs_the_issued_circular(session: Session, scored: Scored,  # noqa: F811
                                             tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="通报尚未印发"):
        publish_results_page(session=session, cycle_id=scored.cycle_id, out_dir=tmp_path)


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 chromium（apt-get install chromium），跳过浏览器检查")
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_the_page_fits_phone_and_desktop_widths(page: Path, tmp_path: Path, width: int,
                                                height: int) -> None:
    shot = tmp_path / f"page-{width}.png"
    done = _chromium(f"--screenshot={shot}", f"--window-size={width},{height}", page.as_uri(),
                     profile=tmp_path / "profile-shot")
    assert shot.is_file() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text("utf-8").replace("</body>", MEASURE + "</body>"), "utf-8")
    dom = _chromium("--dump-dom", f"--window-size={width},{height}", measured.as_uri(),
                    profile=tmp_path / "profile-dom").stdout
    found = re.search(r'id="measured">(\d+)x(\d+)<', dom)
    assert found, dom[-2000:]
    scroll_width, inner_width = int(found[1]), int(found[2])
    assert scroll_width <= inner_width, f"horizontal overflow at {width}px: {scroll_width}"
