"""Data checks for the two indicator catalogs transcribed from the source measures.

``models/data/catalog_township.yaml`` is annex 1 (乡(镇)社区服务中心政务公开工作考核内容明细表),
``models/data/catalog_department.yaml`` is annex 2 (区直部门政务公开工作考核内容明细表).
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

DATA_DIR = Path(__file__).parents[2] / "models" / "data"
REFERENCE_DIR = Path(__file__).parents[3] / "shared" / "reference"
SOURCE_NAME = "000_10ad7ad8f58d729d.txt"

# file name -> (category, annex, ref prefix, start marker of the annex in the source,
#               predicate for the first line after the annex's table)
CATALOGS = {
    "catalog_township.yaml": ("township", 1, "T", "附件1", lambda line: line == "附件2"),
    "catalog_department.yaml": ("department", 2, "D", "附件2", lambda line: line.endswith("印发")),
}
KINDS = {"regular", "special_deduction", "zero", "bonus"}
SPECIAL_KIND = {"特别减分项": "special_deduction", "直接归零项": "zero", "特别加分项": "bonus"}
AREAS = ["组织领导", "制度建设", "平台建设", "政府信息公开", "政务服务", "政策解读",
         "政务舆情监测处置", "公众参与", "试点示范", "特别项"]
KEYS = ["ref", "area", "level1", "text", "kind", "points"]
POINTS_RE = re.compile(r"^\d+\.\d$")
HEADER = ["内容", "一级指标", "二级指标"]

params = pytest.mark.parametrize("filename", sorted(CATALOGS))


def load(filename: str) -> dict:
    with open(DATA_DIR / filename, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@params
def test_header_fields(filename):
    doc = load(filename)
    category, annex, _, _, _ = CATALOGS[filename]
    assert list(doc) == ["category", "annex", "title", "criteria"]
    assert doc["category"] == category
    assert doc["annex"] == annex
    assert isinstance(doc["title"], str) and doc["title"].endswith("考核内容明细表")
    assert doc["criteria"]
    for item in doc["criteria"]:
        assert list(item) == KEYS, item
        assert all(isinstance(item[k], str) and item[k] == item[k].strip() and item[k] for k in KEYS), item
        assert item["kind"] in KINDS
        assert item["area"] in AREAS


@params
def test_refs_unique_and_sequential(filename):
    doc = load(filename)
    prefix = CATALOGS[filename][2]
    refs = [c["ref"] for c in doc["criteria"]]
    assert len(set(refs)) == len(refs)
    assert refs == [f"{prefix}{n:03d}" for n in range(1, len(refs) + 1)]


@params
def test_points_format_and_regular_total(filename):
    doc = load(filename)
    for c in doc["criteria"]:
        assert isinstance(c["points"], str) and POINTS_RE.match(c["points"]), c
    regular = [Decimal(c["points"]) for c in doc["criteria"] if c["kind"] == "regular"]
    assert all(p > 0 for p in regular)
    assert sum(regular, Decimal("0")) == Decimal("100.0")


@params
def test_special_block(filename):
    doc = load(filename)
    regular = [c for c in doc["criteria"] if c["kind"] == "regular"]
    special = [c for c in doc["criteria"] if c["kind"] != "regular"]
    # the special block comes last and every regular item lies outside it
    assert doc["criteria"][-len(special):] == special
    assert all(c["area"] != "特别项" for c in regular)
    for c in special:
        assert c["area"] == "特别项"
        assert SPECIAL_KIND[c["level1"]] == c["kind"]
    kinds = [c["kind"] for c in special]
    assert kinds == ["special_deduction"] * 5 + ["zero", "bonus"]
    assert [c["points"] for c in special if c["kind"] == "zero"] == ["0.0"]
    assert all(Decimal(c["points"]) > 0 for c in special if c["kind"] != "zero")


@params
def test_areas_in_source_order(filename):
    doc = load(filename)
    seen = []
    for c in doc["criteria"]:
        if not seen or seen[-1] != c["area"]:
            seen.append(c["area"])
    assert len(seen) == len(set(seen)), "an area is split into several runs"
    assert seen == [a for a in AREAS if a in seen]


def source_section(start_marker: str, end_pred) -> tuple[str, list[str]]:
    """Title and non-empty stripped table lines of one annex of the source text."""
    source = REFERENCE_DIR / SOURCE_NAME
    if not source.exists():
        pytest.skip(f"source text not available: {source}")
    lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines()]
    start = lines.index(start_marker)
    nonempty = [line for line in lines[start + 1:] if line]
    for i in range(len(nonempty) - 2):
        if nonempty[i:i + 3] == HEADER:
            break
    else:  # pragma: no cover - source changed
        raise AssertionError(f"no table header after {start_marker}")
    title = "".join(nonempty[:i])
    body = []
    for line in nonempty[i + 3:]:
        if end_pred(line):
            break
        body.append(line)
    return title, body


def reconstruct(criteria: list[dict]) -> list[str]:
    """The source's cell order: an area line, its first level-1 line, then criteria;
    a new level-1 line whenever the level-1 indicator changes."""
    out, area, level1 = [], None, None
    for c in criteria:
        if c["area"] != area:
            out.append(c["area"])
            area, level1 = c["area"], None
        if c["level1"] != level1:
            out.append(c["level1"])
            level1 = c["level1"]
        out.append(c["text"])
    return out


@params
def test_round_trip_against_source(filename):
    if not REFERENCE_DIR.exists():
        pytest.skip(f"reference folder not available: {REFERENCE_DIR}")
    _, _, _, start_marker, end_pred = CATALOGS[filename]
    title, body = source_section(start_marker, end_pred)
    doc = load(filename)
    assert doc["title"] == title
    assert body[-1] == doc["criteria"][-1]["text"]  # section ends with the bonus line
    assert reconstruct(doc["criteria"]) == body
