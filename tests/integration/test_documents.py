"""Every document as staff receive it: opened with python-docx, text and GB/T 9704 layout."""

import html
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from sqlmodel import Session, select

from models.district import DEFAULT_PROFILE
from models.documents import IssuedDocument
from tests.integration.documents_fixtures import (  # noqa: F401  (fixture)
    COMMENT,
    ODD_NAME,
    ON,
    Scored,
    issue_everything,
    scored,
)
from zwgk.adapters.files import file_sha256
from zwgk.core.settings import get_settings
from zwgk.documents.contexts import CONTEXTS, Template
from zwgk.documents.issue.group import issue_results_summary, issue_score_sheets
from zwgk.documents.issue.publish import issue_results_circular
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.register import document_path
from zwgk.documents.render import environment, prepare, render_docx

NUMBERED = {"daily_circular", "scheme_notice", "self_check_notice", "group_notice",
            "review_request", "approval_opinion", "results_circular", "criticism",
            "rectification_notice", "reminder", "escalation"}
FORMS = {"self_check_form", "score_sheet", "results_summary"}


def text_of(path: Path) -> str:
    """All text of a .docx: body (with tables), headers and footers."""
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        xml = "".join(archive.read(n).decode("utf-8") for n in parts)
    return html.unescape("".join(re.findall(r"<w:(?:t|instrText)(?: [^>]*)?>([^<]*)</w:(?:t|instrText)>", xml)))


def paragraphs_of(path: Path) -> list:
    document = Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return paragraphs


@pytest.fixture
def issued(session: Session, scored: Scored, tmp_path: Path) -> dict[str, list[IssuedDocument]]:  # noqa: F811
    return issue_everything(session, scored, tmp_path / "out")


def test_every_document_type_is_issued_with_its_number_file_and_hash(
        issued: dict[str, list[IssuedDocument]], tmp_path: Path) -> None:
    assert set(issued) == NUMBERED | FORMS
    assert len(issued["self_check_form"]) == 40 and len(issued["score_sheet"]) == 40
    numbered = sorted(d.seq for t in NUMBERED for d in issued[t] if d.organ == "office")
    assert numbered == list(range(1, len(numbered) + 1))
    assert issued["approval_opinion"][0].number == "乌公开组〔2026〕1号"
    assert issued["scheme_notice"][0].number.startswith("乌府公开办〔2026〕")
    for docs in issued.values():
        for doc in docs:
            path = document_path(doc, tmp_path / "out")
            assert path.is_file() and file_sha256(path) == doc.sha256
            assert path.is_relative_to((tmp_path / "out" / "2025").resolve())
            assert doc.title and doc.addressees
            assert bool(doc.number) == (doc.doc_type in NUMBERED)


def test_no_template_tags_remain_and_the_texts_are_right(
        issued: dict[str, list[IssuedDocument]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    for docs in issued.values():
        for doc in docs:
            text = text_of(document_path(doc, out))
            assert "{{" not in text and "{%" not in text and "}}" not in text, doc.path
            if doc.number:
                assert doc.number in text and re.search(r"2026年[23]月\d+日", text)
                assert "2026年03月" not in text and "年3月02日" not in text
    scheme = text_of(document_path(issued["scheme_notice"][0], out))
    assert "关于印发《2025年度政务公开工作考核实施方案》的通知" in scheme
    assert "每年专题听取汇报不少于1次" in scheme and "每次扣2.0分" in scheme and "最高加5.0分" in scheme
    assert "90分（含）以上" in scheme and "4%" in scheme and "附件：1." in scheme
    circular = text_of(document_path(issued["results_circular"][0], out))
    assert "通报表扬" in circular and ODD_NAME in circular
    criticism = text_of(document_path(issued["criticism"][0], out))
    assert "第十四条" in criticism and "自查材料中伪造会议记录" in criticism
    reminder = text_of(document_path(issued["reminder"][0], out))
    assert "2026年2月13日" in reminder and "已逾期" in reminder and "报送自查材料" in reminder
    rect = text_of(document_path(issued["rectification_notice"][0], out))
    assert "1. 专题会议未按时召开" in rect and "2. 政策解读不及时" in rect
    assert "个工作日内" in rect
    opinion = text_of(document_path(issued["approval_opinion"][0], out))
    assert "同意" in opinion and COMMENT in opinion and issued["review_request"][0].number in opinion
    sheet = next(d for d in issued["score_sheet"] if d.unit_id is not None and ODD_NAME in d.title)
    sheet_text = text_of(document_path(sheet, out))
    assert "未按时召开专题会议" in sheet_text and "实地核查" in sheet_text and "94.0" in sheet_text
    daily = text_of(document_path(issued["daily_circular"][0], out))
    assert "网站栏目长期未更新" in daily and "随机抽查" in daily and "2025年6月9日" in daily


def test_a_unit_name_with_xml_characters_renders_verbatim(
        issued: dict[str, list[IssuedDocument]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    form = next(d for d in issued["self_check_form"] if ODD_NAME in d.title)
    path = document_path(form, out)
    assert "/" not in path.name and '"' not in path.name and "<" not in path.name
    names = [p.text for p in paragraphs_of(path)]
    assert any(ODD_NAME in n for n in names)
    notice = Document(str(document_path(issued["rectification_notice"][0], out)))
    addressee = next(p for p in notice.paragraphs if p.style.name == "主送机关")
    assert addressee.text == ODD_NAME + "："


def _mm(length: int) -> float:
    return length / Mm(1)


def test_official_documents_follow_gb_t_9704(issued: dict[str, list[IssuedDocument]],
                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    for doc_type in sorted(NUMBERED):
        path = document_path(issued[doc_type][0], out)
        document = Document(str(path))
        section = document.sections[0]
        assert (round(_mm(section.page_width)), round(_mm(section.page_height))) == (210, 297)
        for margin, want in ((section.top_margin, 37), (section.left_margin, 28),
                             (section.bottom_margin, 35), (section.right_margin, 26)):
            assert abs(_mm(margin) - want) <= 1, (doc_type, margin)
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579"
        normal = document.styles["Normal"]
        assert normal.font.size == Pt(16)
        fonts = normal.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
        spacing = normal.element.pPr.find(qn("w:spacing"))
        assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
        styles_xml = document.styles.element.xml
        assert "eastAsiaTheme" not in styles_xml and "asciiTheme" not in styles_xml
        paragraphs = document.paragraphs
        mark = paragraphs[0]
        assert mark.style.name == "发文机关标志" and mark.style.font.color.rgb == (0xFF, 0, 0)
        assert mark.text == DEFAULT_PROFILE.organ(issued[doc_type][0].organ).mark
        number = next(p for p in paragraphs if p.style.name == "发文字号")
        assert number.text == issued[doc_type][0].number
        rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert rule.get(qn("w:color")) == "FF0000"
        title = next(p for p in paragraphs if p.style.name == "公文标题")
        assert issued[doc_type][0].title.startswith(title.text)
        assert title.style.font.size == Pt(22) and title.alignment is None
        assert title.style.paragraph_format.alignment == 1  # centred
        assert title.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
        addressee = next(p for p in paragraphs if p.style.name == "主送机关")
        assert addressee.text.endswith("：")
        date_line = next(p for p in paragraphs if p.style.name == "成文日期")
        assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", date_line.text)
        signature = next(p for p in paragraphs if p.style.name == "发文机关署名")
        assert signature.text == mark.text.removesuffix("文件")
        imprint = "".join(p.text for p in paragraphs_of(path) if p.style.name == "版记")
        assert "印发" in imprint and date_line.text + "印发" in imprint
        if issued[doc_type][0].doc_type in {"scheme_notice", "results_circular", "criticism"}:
            assert "抄送：" in imprint
        assert document.settings.odd_and_even_pages_header_footer
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
        assert odd.text.startswith("— ") and odd.text.endswith(" —") and "PAGE" in odd._p.xml
        assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even


def test_forms_are_landscape_with_the_same_fonts(issued: dict[str, list[IssuedDocument]],
                                                 tmp_path: Path) -> None:
    for doc_type in sorted(FORMS):
        document = Document(str(document_path(issued[doc_type][0], tmp_path / "out")))
        section = document.sections[0]
        assert section.orientation == 1  # landscape
        assert (round(_mm(section.page_width)), round(_mm(section.page_height))) == (297, 210)
        assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert document.tables, doc_type


def test_issuing_again_returns_the_same_rows_and_files(
        session: Session, scored: Scored, issued: dict[str, list[IssuedDocument]],  # noqa: F811
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = {d.id: (d.number, d.sha256) for docs in issued.values() for d in docs}
    again = issue_everything(session, scored, out)
    assert {d.id: (d.number, d.sha256) for docs in again.values() for d in docs} == before
    assert len(session.exec(select(IssuedDocument)).all()) == len(before)


def test_a_lost_or_damaged_file_is_rendered_again_under_the_same_number(
        session: Session, scored: Scored, issued: dict[str, list[IssuedDocument]],  # noqa: F811
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    circular, notice = issued["results_circular"][0], issued["scheme_notice"][0]
    document_path(circular, out).unlink()
    document_path(notice, out).write_bytes(b"damaged")
    again_circular = issue_results_circular(session=session, cycle_id=scored.cycle_id,
                                                      on=ON, out_dir=out)
    again_notice = issue_scheme_notice(session=session, cycle_id=scored.cycle_id, on=ON,
                                                 out_dir=out)
    assert (again_circular.id, again_circular.number) == (circular.id, circular.number)
    assert again_notice.number == notice.number
    assert file_sha256(document_path(again_circular, out)) == circular.sha256
    assert file_sha256(document_path(again_notice, out)) == notice.sha256


def test_templates_declare_only_their_context_fields() -> None:
    env = environment()
    for template, model in CONTEXTS.items():
        path = get_settings().templates_dir / template.value
        used = DocxTemplate(str(path)).get_undeclared_template_variables(env)
        assert used <= set(model.model_fields), (template, used - set(model.model_fields))
        assert used == prepare(template.value).variables()


def test_a_broken_placeholder_in_a_staff_edited_template_is_caught(tmp_path: Path) -> None:
    source = get_settings().templates_dir / Template.REMINDER.value
    edited = tmp_path / Template.REMINDER.value
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ due_text }}", b"{{ due_txt }}")
            dst.writestr(info, data)
    used = DocxTemplate(str(edited)).get_undeclared_template_variables(environment())
    assert "due_txt" in used - set(CONTEXTS[Template.REMINDER].model_fields)


def test_templates_are_prepared_once_per_process(session: Session, scored: Scored,  # noqa: F811
                                                 tmp_path: Path) -> None:
    prepare.cache_clear()
    issue_score_sheets(session=session, cycle_id=scored.cycle_id, on=ON,
                                 out_dir=tmp_path / "out")
    info = prepare.cache_info()
    assert info.misses == 1 and info.hits == 39


def test_rendering_twice_gives_identical_bytes(session: Session, scored: Scored,  # noqa: F811
                                               tmp_path: Path) -> None:
    doc = issue_results_summary(session=session, cycle_id=scored.cycle_id, on=ON,
                                          out_dir=tmp_path / "a")
    first = document_path(doc, tmp_path / "a").read_bytes()
    prepare.cache_clear()
    doc_b = issue_results_summary(session=session, cycle_id=scored.cycle_id, on=ON,
                                            out_dir=tmp_path / "b")
    assert document_path(doc_b, tmp_path / "b").read_bytes() == first
    with zipfile.ZipFile(document_path(doc, tmp_path / "a")) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_render_docx_escapes_xml_in_values(tmp_path: Path) -> None:
    from zwgk.documents.contexts import ReminderNotice

    context = ReminderNotice(
        title="关于报送自查材料的催办通知", year=2025, organ_mark="红头", organ_name="办公室",
        measures="某区考核办法", office="办公室", leading_group="领导小组", level="区",
        number="乌府公开办〔2026〕1号", addressees=ODD_NAME, date_text="2026年3月2日", cc="",
        print_organ="办公室", print_date_text="2026年3月2日", unit_name=ODD_NAME, task="报送自查材料",
        basis="第十条第（三）项", due_text="2026年2月13日", status_text="已逾期1个工作日")
    path = tmp_path / "x.docx"
    path.write_bytes(render_docx(Template.REMINDER, context))
    addressee = next(p for p in Document(str(path)).paragraphs if p.style.name == "主送机关")
    assert addressee.text == ODD_NAME + "："
