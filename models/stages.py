"""The procedure's stages and the moves allowed between them (articles 8, 10–12).

Declared in one table so that the whole state machine can be read at a glance; the
transition function in ``models.cycle`` is the only code that changes a cycle's stage.
"""

from enum import StrEnum


class Stage(StrEnum):
    """Where an annual assessment cycle stands."""

    DRAFT = "draft"
    SCHEME_APPROVED = "scheme_approved"
    SELF_CHECK = "self_check"
    GROUP_ASSESSMENT = "group_assessment"
    OFFICE_REVIEW = "office_review"
    LEADING_GROUP_APPROVAL = "leading_group_approval"
    PUBLISHED = "published"
    RECTIFICATION = "rectification"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # 撤销: started by mistake, taken back before the scheme was approved


STAGE_LABELS: dict[Stage, str] = {
    Stage.DRAFT: "拟定实施方案",
    Stage.SCHEME_APPROVED: "实施方案已审定",
    Stage.SELF_CHECK: "单位自查",
    Stage.GROUP_ASSESSMENT: "考核组考核",
    Stage.OFFICE_REVIEW: "办公室审核",
    Stage.LEADING_GROUP_APPROVAL: "领导小组审定",
    Stage.PUBLISHED: "通报公布",
    Stage.RECTIFICATION: "问题反馈与整改",
    Stage.CLOSED: "已结束",
    Stage.WITHDRAWN: "已撤销",
}

# Self-check forms and their evidence are no longer received once the group's scores are
# confirmed (a form then would change a self-score the results were compared with), nor in a
# withdrawn cycle. Late forms before that are received (lateness is recorded, not refused).
INTAKE_CLOSED: tuple[Stage, ...] = (Stage.OFFICE_REVIEW, Stage.LEADING_GROUP_APPROVAL, Stage.PUBLISHED,
                                    Stage.RECTIFICATION, Stage.CLOSED, Stage.WITHDRAWN)


# (from, to) → what the move means. Send-back paths are moves like any other.
TRANSITIONS: dict[tuple[Stage, Stage], str] = {
    (Stage.DRAFT, Stage.DRAFT): "实施方案退回修改 (scheme returned for revision)",
    (Stage.DRAFT, Stage.SCHEME_APPROVED): "领导小组审定实施方案 (scheme approved)",
    (Stage.SCHEME_APPROVED, Stage.SELF_CHECK): "印发方案，开展自查 (self-check opened)",
    (Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT): "自查结束，考核组考核 (group assessment)",
    (Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW): "考核组报送结果 (scores submitted)",
    (Stage.OFFICE_REVIEW, Stage.GROUP_ASSESSMENT): "办公室审核退回考核组 (returned to the group)",
    (Stage.OFFICE_REVIEW, Stage.LEADING_GROUP_APPROVAL): "办公室审核通过 (office approved)",
    (Stage.LEADING_GROUP_APPROVAL, Stage.OFFICE_REVIEW): "领导小组退回办公室 (returned to office review)",
    (Stage.LEADING_GROUP_APPROVAL, Stage.GROUP_ASSESSMENT): "领导小组退回考核组 (returned to the group)",
    (Stage.LEADING_GROUP_APPROVAL, Stage.PUBLISHED): "领导小组审定结果 (results approved)",
    (Stage.PUBLISHED, Stage.RECTIFICATION): "反馈问题，督促整改 (feedback issued)",
    (Stage.RECTIFICATION, Stage.CLOSED): "整改结束，年度考核完成 (cycle closed)",
    (Stage.DRAFT, Stage.WITHDRAWN): "撤销年度考核 (cycle withdrawn)",
    (Stage.WITHDRAWN, Stage.DRAFT): "重新启动已撤销的年度考核 (withdrawn cycle started again)",
}


class IllegalTransition(ValueError):
    """A move the state machine does not allow; names the current stage and the legal moves."""

    def __init__(self, current: Stage, target: Stage) -> None:
        moves = ", ".join(str(s) for s in allowed_moves(current)) or "none (无)"
        super().__init__(
            f"不允许从 {current}（{STAGE_LABELS[current]}）转到 {target}；"
            f"当前可转到: {moves} (illegal move {current} → {target}; allowed: {moves})"
        )
        self.current = current
        self.target = target


def allowed_moves(current: Stage) -> list[Stage]:
    """The stages reachable from ``current`` in one move, in declaration order."""
    return [to for (frm, to) in TRANSITIONS if frm == current]


def check_transition(current: Stage, target: Stage) -> str:
    """Return the meaning of the move ``current → target`` or raise IllegalTransition."""
    try:
        return TRANSITIONS[(Stage(current), Stage(target))]
    except KeyError:
        raise IllegalTransition(Stage(current), Stage(target)) from None
