"""Article 16: a category assessed by reference, imported with its catalog, is listed, its bad
files are refused naming row and column, and its units are scored and ranked in their own table."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.assessment import Assessment, Deduction, GroupMethod
from models.audit import AuditEntry
from models.catalog import Criterion, CriterionKind
from models.cycle import Cycle
from models.scheme import SchemeConfig
from models.units import Category, Unit, UnitCategory
from tests.integration.test_documents import text_of
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.xlsx import sheet_rows
from zwgk.cli.app import app
from zwgk.core.errors import ImportRejected
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.documents.issue.publish import issue_results_circular, publish_results_page
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.register import document_path
from zwgk.intake.score_workbook import write_score_workbook
from zwgk.intake.self_check import SHEET, write_self_check_forms
from zwgk.results.ranking import compute_results, results_table
from zwgk.setup.categories import import_catalog
from zwgk.setup.units import category_words, parse_units, upsert_units

EXAMPLE = Path(__file__).parents[2] / "examples" / "catalog_enterprise.csv"
HEADER = "内容,一级指标,二级指标,分值\n"
LABEL = "公共企事业单位"


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_imported_category_is_shown_by_catalog_show_json(db_url: str) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["catalog", "import", str(EXAMPLE), "--category", "enterprise",
                               "--label", LABEL, "--db", db_url])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["catalog", "show", "--category", "enterprise", "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    items = json.loads(shown.output)
    assert [i["ref"] for i in items[:2]] == ["ENTERPRISE-001", "ENTERPRISE-002"]
    assert items[1]["area"] == "组织领导"  # an empty 内容 repeats the one above (a merged cell)
    assert [i["kind"] for i in items[-3:]] == ["special_deduction", "zero", "bonus"]
    assert sum(Decimal(i["points"]) for i in items if i["kind"] == "regular") == Decimal("100.0")
    township = runner.invoke(app, ["catalog", "show", "--category", "township", "--json", "--db", db_url])
    assert json.loads(township.output)[0]["ref"] == "T001"


@pytest.mark.parametrize(("header", "body", "expected"), [
    (HEADER, "组织领导,主要负责人,研究部署,60\n信息公开,服务信息,公开服务项目,30\n",
     "分值列：常规指标合计 90.0，应为 100"),
    (HEADER, "组织领导,主要负责人,研究部署,60\n信息公开,服务信息,,40\n", "第 3 行 二级指标列：不能为空"),
    (HEADER, "组织领导,主要负责人,研究部署,60\n信息公开,服务信息,公开服务项目,四十\n", "第 3 行 分值列"),
    ("内容,一级指标,二级指标\n", "组织领导,主要负责人,研究部署\n", "第 1 行（表头）：缺少“分值”列"),
])
def test_bad_catalog_is_refused_naming_row_and_column_and_nothing_is_written(
        tmp_path: Path, session: Session, header: str, body: str, expected: str) -> None:
    with pytest.raises(ImportRejected, match=expected):
        import_catalog(session, path=_write(tmp_path, body, header), key="enterprise", label=LABEL)
    assert session.get(UnitCategory, "enterprise") is None
    assert session.exec(select(Criterion).where(Criterion.category == "enterprise")).all() == []


def test_statutory_key_cannot_be_replaced(session: Session) -> None:
    with pytest.raises(ImportRejected, match="township"):
        import_catalog(session, path=EXAMPLE, key="township", label=LABEL)


def _enterprise_cycle(tmp_path: Path, session: Session) -> Cycle:
    """The demo district (whose third category it imports from the example catalog file) with
    three more units of that category named by label or key in a units file, 2025 scored."""
    load_demo(session)
    imported = session.exec(select(AuditEntry).where(AuditEntry.action == "catalog.import")).one()
    assert json.loads(imported.comment) == {"category": "enterprise", "label": LABEL, "criteria": 9,
                                            "file": EXAMPLE.name, "sha256": file_sha256(EXAMPLE)}
    units = tmp_path / "units.csv"
    units.write_text(f"单位名称,类别\n区供水公司,{LABEL}\n区公交公司,enterprise\n区妇幼保健院,enterprise\n",
                     encoding="utf-8")
    upsert_units(session, parse_units(units, category_words(session))[0])
    # The year's scheme moves a point between two of the imported criteria (article 8).
    cycle = start_cycle(session=session, year=2025, actor="测试",
                        config=SchemeConfig(points={"ENTERPRISE-001": "11", "ENTERPRISE-002": "9"}))
    ids = {u.name: a.id for a, u in session.exec(
        select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id))}
    first = session.exec(select(Criterion).where(Criterion.ref == "ENTERPRISE-001")).one()
    for name, points in (("区供水公司", "11.5"), ("区公交公司", "2.0")):  # floors at the year's 11
        session.add(Deduction(assessment_id=ids[name], criterion_id=first.id, points=Decimal(points),
                              reason="测试扣分", method=GroupMethod.ON_SITE, recorded_by="考核组"))
    session.commit()
    compute_results(session, cycle_id=cycle.id)  # type: ignore[arg-type]
    return cycle


def test_units_of_the_new_category_are_scored_and_ranked_in_their_own_table(
        tmp_path: Path, session: Session) -> None:
    cycle = _enterprise_cycle(tmp_path, session)
    first = session.exec(select(Criterion).where(Criterion.ref == "ENTERPRISE-001")).one()
    rows = results_table(session, cycle_id=cycle.id)  # type: ignore[arg-type]
    mine = {r.unit: (r.score, r.rank) for r in rows if r.category == "enterprise"}
    untouched = ("区妇幼保健院", "区人民医院（演示）", "区自来水公司（演示）", "区公共交通公司（演示）")
    assert mine == {**{name: (Decimal("100.0"), 1) for name in untouched},
                    "区公交公司": (Decimal("98.0"), 5), "区供水公司": (Decimal("89.0"), 6)}
    assert [r.category for r in rows][-6:] == ["enterprise"] * 6  # its table comes after the statutory two
    townships = [r.rank for r in rows if r.category == Category.TOWNSHIP]
    assert min(townships) == 1 and len(townships) == 12  # the statutory tables keep their own ranks
    assert first.kind is CriterionKind.REGULAR


def test_scheme_circular_page_and_forms_carry_the_new_category_table(tmp_path: Path, session: Session) -> None:
    cycle = _enterprise_cycle(tmp_path, session)
    out = tmp_path / "out"
    on = date(2026, 3, 2)
    scheme = issue_scheme_notice(session=session, cycle_id=cycle.id, on=on, out_dir=out)  # type: ignore[arg-type]
    text = text_of(document_path(scheme, out))
    assert "附件1、附件2、附件3" in text and "以及参照本办法考核的公共企事业单位（6个）" in text
    assert "（三）公共企事业单位" in text and "区人民医院（演示）、区自来水公司（演示）、区公共交通公司（演示）、区供水公司、区公交公司、区妇幼保健院" in text
    assert "2025年度公共企事业单位政务公开工作考核内容明细表（100.0分）" in text
    assert "每年专题研究办事公开工作不少于1次。" in text
    circular = issue_results_circular(session=session, cycle_id=cycle.id, on=on, out_dir=out)  # type: ignore[arg-type]
    assert LABEL in text_of(document_path(circular, out))
    page = publish_results_page(session=session, cycle_id=cycle.id, out_dir=out)  # type: ignore[arg-type]
    assert LABEL in page.read_text(encoding="utf-8") and "区妇幼保健院" in page.read_text(encoding="utf-8")
    forms = write_self_check_forms(session, year=2025, out_dir=tmp_path / "forms",
                                   unit_ids=[u.id for u in session.exec(select(Unit).where(
                                       Unit.category == "enterprise"))])  # type: ignore[misc]
    assert len(forms) == 6
    assert "ENTERPRISE-006" in (cells := [v for row in sheet_rows(CalamineWorkbook.from_path(str(forms[0])),
                                                                  SHEET) for v in row]) and LABEL in str(cells)
    workbook = write_score_workbook(session, cycle_id=cycle.id, path=tmp_path / "group.xlsx")  # type: ignore[arg-type]
    sheet = next(t for t in CalamineWorkbook.from_path(str(workbook)).sheet_names if "区供水公司" in t)
    assert "ENTERPRISE-001" in [v for row in sheet_rows(CalamineWorkbook.from_path(str(workbook)), sheet) for v in row]
