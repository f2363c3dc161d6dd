"""Document numbers: one sequence per organ and year, never reused or duplicated, also when
several processes issue at the same moment."""

import multiprocessing
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.documents import DocumentSequence, IssuedDocument
from zwgk.db import get_engine
from zwgk.documents.contexts import Criticism, Template
from zwgk.documents.register import DocKey, Issue, allocate_seq, issue

WORKERS = 4
PER_WORKER = 5


def _spec(name: str, organ: str = "office", on: date = date(2026, 3, 1)) -> Issue:
    context = Criticism(title="关于对某单位予以通报批评的通报", year=2025, organ_mark="红头",
                        organ_name="办公室", number="", addressees="各单位", date_text="2026年3月1日",
                        cc="", print_organ="办公室", print_date_text="2026年3月1日",
                        unit_name=name, reason="伪造材料。")
    return Issue(key=DocKey(None, "test", None, "criticism", name), organ=organ, year=2025,
                 title=f"通报批评 {name}", issued_on=on, addressees="各单位",
                 path=f"2025/test/{name}.docx", template=Template.CRITICISM,
                 build=lambda number: context.model_copy(update={"number": number}))


def _worker(url: str, out_dir: str, worker: int, start: "multiprocessing.synchronize.Barrier") -> list[str]:
    engine = get_engine(url)
    start.wait()
    numbers = []
    with Session(engine, expire_on_commit=False) as session:
        for i in range(PER_WORKER):
            numbers.append(issue(session, _spec(f"w{worker}-{i}"), Path(out_dir)).number)
        numbers.append(issue(session, _spec("shared"), Path(out_dir)).number)
    return numbers


def test_concurrent_processes_get_numbers_one_to_n_without_gap_or_duplicate(
        engine: object, db_url: str, session: Session, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(WORKERS)
        with context.Pool(WORKERS) as pool:
            results = pool.starmap(_worker, [(db_url, str(tmp_path), w, start) for w in range(WORKERS)])
    rows = session.exec(select(IssuedDocument).order_by(col(IssuedDocument.seq))).all()
    expected = WORKERS * PER_WORKER + 1  # every worker's own documents plus one shared one
    assert [r.seq for r in rows] == list(range(1, expected + 1))
    assert len({r.number for r in rows}) == expected
    shared = [numbers[-1] for numbers in results]
    assert len(set(shared)) == 1  # all processes got the one shared document
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
    assert allocate_seq(session, organ="office", year=2026) == 2
    session.rollback()
    assert issue(session, _spec("b"), tmp_path).seq == 2
