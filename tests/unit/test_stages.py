"""The state machine: every legal move is allowed, every other move is refused."""

import itertools

import pytest

from models.stages import (
    TRANSITIONS,
    IllegalTransition,
    Stage,
    allowed_moves,
    check_transition,
)

LEGAL = set(TRANSITIONS)
ILLEGAL = [pair for pair in itertools.product(Stage, Stage) if pair not in LEGAL]


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_legal_move_is_allowed(current: Stage, target: Stage) -> None:
    assert check_transition(current, target)
    assert target in allowed_moves(current)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_move_names_current_stage_and_allowed_moves(current: Stage, target: Stage) -> None:
    with pytest.raises(IllegalTransition) as info:
        check_transition(current, target)
    message = str(info.value)
    assert str(current) in message
    for move in allowed_moves(current):
        assert str(move) in message


def test_send_back_paths_exist() -> None:
    assert Stage.GROUP_ASSESSMENT in allowed_moves(Stage.OFFICE_REVIEW)
    assert set(allowed_moves(Stage.LEADING_GROUP_APPROVAL)) == {
        Stage.OFFICE_REVIEW, Stage.GROUP_ASSESSMENT, Stage.PUBLISHED}
    assert Stage.DRAFT in allowed_moves(Stage.DRAFT)


def test_closed_is_final() -> None:
    assert allowed_moves(Stage.CLOSED) == []


def test_the_statutory_path_reaches_closed() -> None:
    path = [Stage.DRAFT, Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT,
            Stage.OFFICE_REVIEW, Stage.LEADING_GROUP_APPROVAL, Stage.PUBLISHED,
            Stage.RECTIFICATION, Stage.CLOSED]
    for current, target in itertools.pairwise(path):
        assert target in allowed_moves(current)
        assert check_transition(current, target)  # the move's meaning, for the audit log
    assert path[-1] is Stage.CLOSED and allowed_moves(path[-1]) == []
