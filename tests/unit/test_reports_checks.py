"""The rules of the annual-report checks, each with a planted error: which finding, naming which
table, row and column, with both numbers."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from models.reports import FindingLevel, ReportRule
from tests.reports_builder import Layout, Report, build_docx, build_html, with_t3
from zwgk.reports import format as f
from zwgk.reports import similarity
from zwgk.reports.checks import (
    Facts,
    Finding,
    carry_over,
    content_findings,
    other_unit_named,
    report_year_refusal,
)
from zwgk.reports.claims import claims
from zwgk.reports.reading import heading_of, read_report
from zwgk.reports.text import cell_value, cn_number

UNIT = "青岚镇（演示）"


def check(report: Report, tmp_path: Path, layout: Layout = Layout(), last: Report | None = None) -> list[Finding]:
    reading = read_report(build_docx(tmp_path / "report.docx", report, layout))
    previous = read_report(build_docx(tmp_path / "last.docx", last)).figures if last else None
    facts = Facts(reading.title, reading.text, reading.parts, reading.figures)
    return content_findings(facts, year=2025, unit=UNIT, district="乌当区", last=previous)


def shown(findings: list[Finding]) -> list[tuple[str, str, str, str, str, str]]:
    return [(x.rule.value, x.table, x.row, x.column, x.expected, x.found) for x in findings]


def test_a_results_column_that_does_not_add_up(tmp_path: Path) -> None:
    # 自然人 gets one more 予以公开 without its total: the column, the balance and the row fail.
    report = with_t3(Report(), f.GRANTED, f.NATURAL, 6)
    found = check(report, tmp_path, Layout(merged=False, full_width=True))
    assert ("table_sum", f.TABLE3, f.RESULTS_TOTAL, f.NATURAL, "12", "11") in shown(found)
    assert ("table_sum", f.TABLE3, f.GRANTED, f.TOTAL, "7", "6") in shown(found)
    sums = [x for x in found if x.rule is ReportRule.TABLE_SUM]
    assert "表三 三（七）总计 × 自然人：各项之和 12 ≠ 总计 11" in [x.detail for x in sums]


def test_new_plus_carried_must_equal_results_plus_carried_out(tmp_path: Path) -> None:
    report = with_t3(with_t3(Report(), f.CARRIED_OUT, f.NATURAL, 3), f.CARRIED_OUT, f.TOTAL, 3)
    found = check(report, tmp_path, Layout(zeros="—"))
    assert shown(found) == [("table_sum", f.TABLE3, "一＋二 ＝ 三（七）＋四", f.NATURAL, "12", "14"),
                            ("table_sum", f.TABLE3, "一＋二 ＝ 三（七）＋四", f.TOTAL, "14", "16")]


def test_the_total_column_is_the_sum_of_the_applicant_columns(tmp_path: Path) -> None:
    report = with_t3(with_t3(Report(), f.NEW, "科研机构", 1), f.CARRIED_OUT, "科研机构", 1)
    found = check(report, tmp_path, Layout(legal_order=tuple(reversed(f.LEGAL_COLUMNS))))
    assert ("table_sum", f.TABLE3, f.NEW, f.TOTAL, "13", "12") in shown(found)
    assert ("table_sum", f.TABLE3, f.CARRIED_OUT, f.TOTAL, "2", "1") in shown(found)


def test_each_group_of_table4_adds_up(tmp_path: Path) -> None:
    report = Report()
    report = replace(report, t4={**report.t4, (f.SUIT_AFTER, f.CORRECTED): 1})
    found = check(report, tmp_path)
    assert shown(found) == [("table_sum", f.TABLE4, f.SUIT_AFTER, f.TOTAL, "1", "0")]
    assert found[0].detail == "表四 行政诉讼（复议后起诉） × 总计：维持 0 + 纠正 1 + 其他结果 0 + 尚未审结 0 = 1 ≠ 总计 0"


def test_numbers_in_the_text_must_equal_the_tables(tmp_path: Path) -> None:
    # 予以公开 written in full-width digits (６) is right; the others are not.
    report = replace(Report(), text_numbers={"new": "十三", "granted": "６", "review": "3", "issued": "4"})
    found = [x for x in check(report, tmp_path) if x.rule is ReportRule.TEXT_MISMATCH]
    assert shown(found) == [
        ("text_mismatch", f.TABLE2, "行政规范性文件", f.T2_ISSUED, "3", "4"),
        ("text_mismatch", f.TABLE3, f.NEW, f.TOTAL, "12", "13"),
        ("text_mismatch", f.TABLE4, f.REVIEW, f.TOTAL, "2", "3"),
    ]
    assert "正文“收到政府信息公开申请十三件”为 13" in found[1].detail


@pytest.mark.parametrize(("text", "wanted"), [
    ("全年共收到政府信息公开申请14件（含上年结转2件）", [("new", "14", 2), ("carried_in", "2", 1)]),
    ("本年度没有收到政府信息公开申请。", [("new", "0", 1)]),
    ("未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。", [("review", "0", 1), ("suit", "0", 2)]),
    ("尚未审结的行政复议1件。无正当理由大量反复申请0件，收到举报类申请2件。", []),
    ("收到行政复议申请1件。", [("review", "1", 1)]),
    ("其中予以公开８件，不予以公开1件，部分予以公开2件。",
     [("granted", "8", 1), ("partly", "2", 1), ("group_三", "1", 8)]),
    ("作出行政许可决定1,234件，行政事业性收费金额0.5万元。", [("decisions_行政许可", "1234", 1), ("fees", "0.5", 1)]),
    ("与上年相比，新收申请减少3件；收到申请近20件；较上年度行政复议减少1件。", []),
    ("全年共发生行政复议案件1件，行政诉讼案件2件，均维持原行政行为。", [("review", "1", 1), ("suit", "2", 2)]),
])
def test_the_text_patterns_read_what_they_should_and_nothing_else(text: str,
                                                                  wanted: list[tuple[str, str, int]]) -> None:
    got = sorted((c.pattern.name, str(c.number), len(c.cells)) for c in claims(text))
    assert got == sorted(wanted)


WRITTEN = {
    "一": "2025年，青岚镇认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进基层政务公开标准化规范化建设。"
          "（一）主动公开。全年通过政府门户网站主动公开政府信息1286条，其中政策文件35条、政策解读20篇。"
          "（二）依申请公开。全年共收到政府信息公开申请12件，较上年减少3件，均在法定期限内答复。"
          "（三）政府信息管理。制发规范性文件3件，废止规范性文件1件，现行有效规范性文件25件。"
          "（四）平台建设。优化政府网站栏目设置，新增专题专栏2个。"
          "（五）监督保障。本年度未发生因政府信息公开工作引起的责任追究情况。",
    "三": "本年度新收政府信息公开申请12件，上年结转2件。办理结果方面，予以公开6件，部分公开2件，不予公开1件，"
          "无法提供3件，不予处理1件，其他处理0件，共办结13件，结转下年度继续办理1件。",
    "五": "存在的主要问题：政策解读形式较为单一，部分栏目更新不够及时。改进措施：丰富图表、视频等解读形式，"
          "建立栏目更新提醒机制，加强工作人员业务培训。",
}


@pytest.mark.parametrize("as_page", [False, True])
def test_a_report_written_as_units_write_them_gives_no_finding(as_page: bool, tmp_path: Path) -> None:
    report = replace(Report(), body=WRITTEN)
    path = build_html(tmp_path / "r.html", report) if as_page else build_docx(tmp_path / "r.docx", report)
    reading = read_report(path)
    facts = Facts(reading.title, reading.text, reading.parts, reading.figures)
    assert content_findings(facts, year=2025, unit=UNIT, district="乌当区") == []
    assert len(list(claims(reading.text))) >= 12


@pytest.mark.parametrize(("line", "part"), [
    ("一、总体情况", "一"), ("二. 主动公开政府信息情况", "二"), ("行政复议、行政诉讼情况", "四"),
    ("存在的主要问题及改进情况", "五"), ("（一）主动公开", None), ("（二）依申请公开", None),
    ("全年主动公开政府信息1286条", None),
])
def test_part_headings_numbered_by_hand_or_by_word(line: str, part: str | None) -> None:
    assert heading_of(line) == part


def test_last_years_carry_over_and_documents_in_force(tmp_path: Path) -> None:
    last = with_t3(with_t3(Report(year=2024, seed=5), f.CARRIED_OUT, f.NATURAL, 3), f.CARRIED_OUT, f.TOTAL, 3)
    last = replace(last, t2={**last.t2, ("行政规范性文件", f.T2_IN_FORCE): Decimal(20)})
    found = carry_over(read_report(build_docx(tmp_path / "now.docx", Report())).figures,
                       read_report(build_docx(tmp_path / "last.docx", last)).figures, 2025)
    assert shown(found) == [("carry_over", f.TABLE3, f.CARRIED_IN, f.NATURAL, "3", "2"),
                            ("carry_over", f.TABLE3, f.CARRIED_IN, f.TOTAL, "3", "2"),
                            ("carry_over", f.TABLE2, "行政规范性文件", f.T2_IN_FORCE, "22", "25")]
    assert found[-1].level is FindingLevel.WARNING and "有效期届满" in found[-1].detail


def test_a_report_that_follows_last_years_has_no_carry_over_finding(tmp_path: Path) -> None:
    last = with_t3(with_t3(Report(year=2024, seed=5), f.CARRIED_OUT, f.NATURAL, 2), f.CARRIED_OUT, f.TOTAL, 2)
    last = replace(last, t2={**last.t2, ("行政规范性文件", f.T2_IN_FORCE): Decimal(23)})
    assert carry_over(read_report(build_docx(tmp_path / "now.docx", Report())).figures,
                      read_report(build_docx(tmp_path / "last.docx", last)).figures, 2025) == []


def test_missing_parts_tables_and_rows(tmp_path: Path) -> None:
    report = replace(Report(), omit_parts=frozenset({"五"}))
    found = check(report, tmp_path)
    assert shown(found) == [("missing_part", "", "", "", "五、存在的主要问题及改进情况", "")]
    report = replace(Report(), omit_parts=frozenset({"四"}))
    found = check(report, tmp_path)
    assert [x.detail for x in found] == ["缺少第四部分“四、政府信息公开行政复议、行政诉讼情况”",
                                         "缺少表四（政府信息公开行政复议、行政诉讼情况），或其数字无法读出"]


def test_a_row_left_out_of_table3_is_named(tmp_path: Path) -> None:
    left_out = f.group_rows("三")[4]
    found = check(replace(Report(), omit_rows=frozenset({left_out})), tmp_path, Layout(merged=False))
    assert shown(found) == [("missing_part", f.TABLE3, left_out, "", left_out, "")]
    assert found[0].detail == "表三缺少“三（三）5.属于三类内部事务信息”一行"


def test_the_year_and_the_unit_the_report_names(tmp_path: Path) -> None:
    found = check(replace(Report(), title="青岚镇政府信息公开工作年度报告", period_year=2024), tmp_path)
    assert [x.detail for x in found] == [
        "报告标题“青岚镇政府信息公开工作年度报告”未写明年度",
        "统计期限写为“统计期限自2024年1月1日起至2024年12月31日”，应为2025年全年"]
    found = check(replace(Report(), unit_title="本机关"), tmp_path)
    assert [x.rule for x in found] == [ReportRule.WRONG_YEAR] and "未写明本单位名称" in found[0].detail
    assert report_year_refusal("青岚镇二〇二四年政府信息公开工作年度报告", 2025).startswith("这是 2024 年度的报告")
    assert report_year_refusal("青岚镇2025年度政府信息公开工作年度报告", 2025) is None
    units = ["区教育局", "教育局", UNIT]
    assert other_unit_named("乌当区教育局2025年政府信息公开工作年度报告", UNIT, units, "乌当区") == "区教育局"
    assert other_unit_named("青岚镇人民政府2025年政府信息公开工作年度报告", UNIT, units, "乌当区") is None


def test_similarity_shows_the_longest_shared_passage() -> None:
    base = "本单位坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。" * 9
    a = similarity.prepare("甲", base + "加强政策解读，第1季度发布解读材料12篇，回应社会关切。" * 4)
    b = similarity.prepare("乙", base + "加强政策解读，第2季度发布解读材料30篇，回应社会关切。" * 4)
    c = similarity.prepare("丙", "".join(f"第{i}项工作独立撰写的内容各不相同，编号{i * 7}。" for i in range(40)))
    assert a and b and c
    assert similarity.share(a, b) == 1.0  # digits do not make a copy different
    assert similarity.share(a, c) < 0.2
    passage = similarity.longest_passage(a, b)
    assert passage.length > 100 and passage.text.startswith("本单位坚持以公开为常态")
    assert similarity.prepare("短", "太短。") is None


@pytest.mark.parametrize(("text", "value"), [("十二", 12), ("一百零五", 105), ("两千", 2000), ("二〇二五", 2025),
                                            ("三万二千", 32000), ("零", 0)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize(("text", "value"), [("", 0), ("—", 0), ("－", 0), ("／", 0), ("无", 0), ("１２", 12),
                                            ("12 件", 12), ("1,234", 1234), ("0.50万元", Decimal("0.50")),
                                            ("十二", 12), ("见附件", None)])
def test_cells(text: str, value: int | Decimal | None) -> None:
    assert cell_value(text)[0] == (None if value is None else Decimal(value))
