"""Document numbers: one sequence per organ and year, never reused or duplicated, also when
several processes issue at the same moment."""

import multiprocessing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.documents import DocumentSequence, IssuedDocument
from zwgk.adapters.db import get_engine
from zwgk.adapters.files import file_sha256
from zwgk.documents import register
from zwgk.documents.contexts import Criticism, Template
from zwgk.documents.register import DocKey, Issue, allocate_seqs, issue, issue_many

WORKERS = 4
PER_WORKER = 5  # documents issued one at a time
BATCH = 3  # documents of the worker's own in its batch
SHARED_BATCH = 4  # documents every worker's batch also asks for


def _spec(name: str, organ: str = "office", on: date = date(2026, 3, 1),
          path: str | None = None) -> Issue:
    context = Criticism(title="关于对某单位予以通报批评的通报", year=2025, organ_mark="红头",
                        organ_name="办公室", number="", addressees="各单位", date_text="2026年3月1日",
                        cc="", print_organ="办公室", print_date_text="2026年3月1日",
                        measures="某区考核办法", office="办公室", leading_group="领导小组", level="区",
                        unit_name=name, reason="伪造材料。")
    return Issue(key=DocKey(None, "test", None, "criticism", name), organ=organ, year=2025,
                 title=f"通报批评 {name}", issued_on=on, addressees="各单位",
                 path=path or f"2025/test/{name}.docx", template=Template.CRITICISM,
                 build=lambda number: context.model_copy(update={"number": number}))


def _worker(url: str, out_dir: str, worker: int, start: "multiprocessing.synchronize.Barrier") -> list[str]:
    engine = get_engine(url)
    start.wait()
    numbers = []
    with Session(engine, expire_on_commit=False) as session:
        for i in range(PER_WORKER):
            numbers.append(issue(session, _spec(f"w{worker}-{i}"), Path(out_dir)).number)
        numbers.append(issue(session, _spec("shared"), Path(out_dir)).number)
        batch = [_spec(f"w{worker}-batch-{i}") for i in range(BATCH)]
        batch += [_spec(f"shared-batch-{i}") for i in range(SHARED_BATCH)]
        numbers += [d.number for d in issue_many(session, batch, Path(out_dir))]
    return numbers


def test_concurrent_processes_get_numbers_one_to_n_without_gap_or_duplicate(
        engine: object, db_url: str, session: Session, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(WORKERS)
        with context.Pool(WORKERS) as pool:
            results = pool.starmap(_worker, [(db_url, str(tmp_path), w, start) for w in range(WORKERS)])
    rows = session.exec(select(IssuedDocument).order_by(col(IssuedDocument.seq))).all()
    # every worker's own documents (single and batch) plus the shared ones
    expected = WORKERS * (PER_WORKER + BATCH) + 1 + SHARED_BATCH
    assert [r.seq for r in rows] == list(range(1, expected + 1))
    assert len({r.number for r in rows}) == expected
    shared = {tuple(numbers[PER_WORKER:PER_WORKER + 1] + numbers[-SHARED_BATCH:]) for numbers in results}
    assert len(shared) == 1  # all processes got the same shared documents
    assert session.get(DocumentSequence, ("office", 2026)).last == expected  # type: ignore[union-attr]
    for row in rows:
        assert (tmp_path / row.path).is_file()


def test_each_organ_and_year_has_its_own_sequence(session: Session, tmp_path: Path) -> None:
    first = issue(session, _spec("a"), tmp_path)
    second = issue(session, _spec("b"), tmp_path)
    group = issue(session, _spec("c", organ="leading_group"), tmp_path)
    next_year = issue(session, _spec("d", on=date(2027, 1, 4)), tmp_path)
    assert (first.number, second.number) == ("乌府公开办〔2026〕1号", "乌府公开办〔2026〕2号")
    assert group.number == "乌公开组〔2026〕1号"
    assert next_year.number == "乌府公开办〔2027〕1号"


def test_reissuing_a_key_keeps_its_number_and_takes_none(session: Session, tmp_path: Path) -> None:
    first = issue(session, _spec("a"), tmp_path)
    again = issue(session, _spec("a"), tmp_path)
    assert (again.id, again.number) == (first.id, first.number)
    assert issue(session, _spec("b"), tmp_path).seq == 2


def test_a_number_taken_by_a_failed_insert_is_rolled_back(session: Session, tmp_path: Path) -> None:
    issue(session, _spec("a"), tmp_path)
    # Simulate a crash after allocating: the transaction never commits.
    assert allocate_seqs(session, {("office", 2026): 3}) == {("office", 2026): 2}
    session.rollback()
    assert issue(session, _spec("b"), tmp_path).seq == 2


def test_a_batch_numbers_its_new_documents_in_order_and_keeps_the_old_ones(
        session: Session, tmp_path: Path) -> None:
    first = issue(session, _spec("b"), tmp_path)
    batch = issue_many(session, [_spec("a"), _spec("b"), _spec("c"), _spec("a")], tmp_path)
    assert [d.number for d in batch] == ["乌府公开办〔2026〕2号", first.number, "乌府公开办〔2026〕3号",
                                         "乌府公开办〔2026〕2号"]
    assert batch[1].id == first.id and batch[0].id == batch[3].id
    for doc in batch:
        assert file_sha256(tmp_path / doc.path) == doc.sha256
    again = issue_many(session, [_spec("c"), _spec("a")], tmp_path)
    assert [d.id for d in again] == [batch[2].id, batch[0].id]
    assert len(session.exec(select(IssuedDocument)).all()) == 3


def test_a_batch_across_organs_and_years_takes_a_block_from_each_sequence(
        session: Session, tmp_path: Path) -> None:
    issue(session, _spec("a"), tmp_path)
    batch = issue_many(session, [_spec("b"), _spec("c", organ="leading_group"), _spec("d"),
                                 _spec("e", on=date(2027, 1, 4)), _spec("form", organ=None)], tmp_path)
    assert [d.number for d in batch] == ["乌府公开办〔2026〕2号", "乌公开组〔2026〕1号", "乌府公开办〔2026〕3号",
                                         "乌府公开办〔2027〕1号", ""]
    assert batch[-1].seq is None and (tmp_path / batch[-1].path).is_file()


def test_a_crash_after_commit_and_before_the_files_is_repaired_by_the_next_issue(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = [_spec("a"), _spec("b"), _spec("c")]

    def crash(temp: Path, path: Path) -> None:
        raise OSError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(register, "move_into_place", crash)
        with pytest.raises(OSError):
            issue_many(session, specs, tmp_path)
    registered = session.exec(select(IssuedDocument).order_by(col(IssuedDocument.seq))).all()
    assert [r.seq for r in registered] == [1, 2, 3] and not any(tmp_path.rglob("*.docx"))
    assert not any(tmp_path.rglob("*.tmp"))
    (tmp_path / registered[1].path).write_bytes(b"half")
    repaired = issue_many(session, specs, tmp_path)
    assert [(d.id, d.number) for d in repaired] == [(r.id, r.number) for r in registered]
    for doc in repaired:
        assert file_sha256(tmp_path / doc.path) == doc.sha256


def test_a_batch_that_fails_to_render_gives_its_numbers_back(session: Session, tmp_path: Path) -> None:
    def broken(number: str) -> Criticism:
        raise ValueError("模板数据有误")

    bad = replace(_spec("bad"), build=broken)
    with pytest.raises(ValueError):
        issue_many(session, [_spec("a"), bad], tmp_path)
    assert session.exec(select(IssuedDocument)).all() == [] and not any(tmp_path.rglob("*.tmp"))
    assert issue(session, _spec("a"), tmp_path).seq == 1


def test_a_file_name_taken_by_another_document_is_refused(session: Session, tmp_path: Path) -> None:
    issue(session, _spec("a"), tmp_path)
    with pytest.raises(RuntimeError, match="已被另一份公文占用"):
        issue_many(session, [_spec("b"), _spec("c", path="2025/test/a.docx")], tmp_path)
    assert issue(session, _spec("b"), tmp_path).seq == 2
