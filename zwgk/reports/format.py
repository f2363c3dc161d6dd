"""The national format of the annual report as data (国办公开办函〔2021〕30号《中华人民共和国政府
信息公开工作年度报告格式》): its six parts and the rows and columns of its three tables.

Names are the format's own; ``keys`` are what identifies a row or column in a unit's table
after ``text.label_key`` (no spaces, no punctuation, half-width): real reports shorten, pad and
reorder the labels, so a row is found by a distinctive phrase, not by its position.
"""

from dataclasses import dataclass

TABLE2, TABLE3, TABLE4 = "表二", "表三", "表四"
TABLE_TITLES: dict[str, str] = {
    TABLE2: "主动公开政府信息情况",
    TABLE3: "收到和处理政府信息公开申请情况",
    TABLE4: "政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Part:
    """One of the six parts: its numeral, its title, and phrases a heading of it contains
    (all of ``need`` and one of ``keys``)."""

    numeral: str
    title: str
    keys: tuple[str, ...]
    need: tuple[str, ...] = ()


PARTS: tuple[Part, ...] = (
    Part("一", "总体情况", ("总体情况",)),
    Part("二", "主动公开政府信息情况", ("主动公开政府信息", "主动公开情况", "主动公开")),
    Part("三", "收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开", "政府信息公开申请")),
    Part("四", "政府信息公开行政复议、行政诉讼情况", ("行政诉讼",), need=("行政复议",)),
    Part("五", "存在的主要问题及改进情况", ("存在的主要问题", "主要问题及改进", "问题及改进")),
    Part("六", "其他需要报告的事项", ("其他需要报告",)),
)


@dataclass(frozen=True)
class Item:
    """A row or column of a table: the name findings print, and the phrases that identify it."""

    name: str
    keys: tuple[str, ...]
    group: str = ""  # 表三: the result group (三 … 六) a numbered sub-row belongs to
    number: int = 0  # 表三: the sub-row's number within its group (1.属于国家秘密 → 1)


# ---------------------------------------------------------------- 表二 (part 二)

T2_ISSUED, T2_REPEALED, T2_IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"
T2_DECISIONS, T2_FEES = "本年处理决定数量", "本年收费金额（万元）"
T2_COLUMNS: tuple[Item, ...] = (
    Item(T2_ISSUED, ("制发",)),
    Item(T2_REPEALED, ("废止",)),
    Item(T2_IN_FORCE, ("现行有效",)),
    Item(T2_DECISIONS, ("处理决定", "决定数量")),
    Item(T2_FEES, ("收费金额",)),
)
DOCUMENT_COLUMNS = (T2_ISSUED, T2_REPEALED, T2_IN_FORCE)
# 第二十条第（一）项 documents; （五）（六） decisions; （八） fees.
T2_ROWS: tuple[tuple[Item, tuple[str, ...]], ...] = (
    (Item("规章", ("规章",)), DOCUMENT_COLUMNS),
    (Item("行政规范性文件", ("规范性文件",)), DOCUMENT_COLUMNS),
    (Item("行政许可", ("行政许可",)), (T2_DECISIONS,)),
    (Item("行政处罚", ("行政处罚",)), (T2_DECISIONS,)),
    (Item("行政强制", ("行政强制",)), (T2_DECISIONS,)),
    (Item("行政事业性收费", ("收费",)), (T2_FEES,)),
)
# A row of 表二 that only names the columns of its block (信息内容 | 本年制发件数 | …).
T2_HEADER_KEYS = ("信息内容", "件数", "数量", "金额")

# ---------------------------------------------------------------- 表三 (part 三)

NATURAL = "自然人"
LEGAL_COLUMNS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TOTAL = "总计"
T3_COLUMNS: tuple[Item, ...] = (
    Item(NATURAL, ("自然人",)),
    *(Item(name, (name,)) for name in LEGAL_COLUMNS),
    Item(TOTAL, ("总计", "合计")),
)
APPLICANT_COLUMNS = (NATURAL, *LEGAL_COLUMNS)

NEW, CARRIED_IN, GRANTED, PARTLY, RESULTS_TOTAL, CARRIED_OUT = (
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三（一）予以公开",
    "三（二）部分公开", "三（七）总计", "四、结转下年度继续办理")

# The result groups （三）–（六）: heading phrase and name, then their numbered sub-rows.
T3_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "三": ("不予公开", ("不予公开",)),
    "四": ("无法提供", ("无法提供",)),
    "五": ("不予处理", ("不予处理",)),
    "六": ("其他处理", ("其他处理",)),
}
_SUB_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("三", "属于国家秘密", ("国家秘密",)),
    ("三", "其他法律行政法规禁止公开", ("法律行政法规禁止", "禁止公开")),
    ("三", "危及“三安全一稳定”", ("三安全一稳定", "危及")),
    ("三", "保护第三方合法权益", ("第三方合法权益", "保护第三方")),
    ("三", "属于三类内部事务信息", ("内部事务",)),
    ("三", "属于四类过程性信息", ("过程性信息", "过程性")),
    ("三", "属于行政执法案卷", ("执法案卷",)),
    ("三", "属于行政查询事项", ("行政查询", "查询事项")),
    ("四", "本机关不掌握相关政府信息", ("不掌握",)),
    ("四", "没有现成信息需要另行制作", ("另行制作", "没有现成")),
    ("四", "补正后申请内容仍不明确", ("仍不明确", "内容不明确")),
    ("五", "信访举报投诉类申请", ("信访", "举报", "投诉")),
    ("五", "重复申请", ("重复申请",)),
    ("五", "要求提供公开出版物", ("出版物",)),
    ("五", "无正当理由大量反复申请", ("大量反复", "反复申请")),
    ("五", "要求行政机关确认或重新出具已获取信息", ("重新出具", "确认或", "已获取信息")),
    ("六", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("不补正",)),
    ("六", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     ("缴纳费用", "收费通知")),
    ("六", "其他", ()),  # only "3.其他" within （六）: the word is everywhere else too
)


def _numbered(rows: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[Item, ...]:
    items, counts = [], dict.fromkeys(T3_GROUPS, 0)
    for group, name, keys in rows:
        counts[group] += 1
        items.append(Item(f"三（{group}）{counts[group]}.{name}", keys, group=group, number=counts[group]))
    return tuple(items)


T3_SUB_ROWS: tuple[Item, ...] = _numbered(_SUB_ROWS)
# The rows that carry numbers, in the format's order.
T3_ROWS: tuple[Item, ...] = (
    Item(NEW, ("新收",)),
    Item(CARRIED_IN, ("上年结转", "上年度结转")),
    Item(GRANTED, ("予以公开",)),
    Item(PARTLY, ("部分公开",)),
    *T3_SUB_ROWS,
    Item(RESULTS_TOTAL, ("总计", "合计")),
    Item(CARRIED_OUT, ("结转下年", "结转下一年")),
)
# Every result that （七）总计 adds up: （一）, （二） and each sub-row of （三）–（六）.
RESULT_ROWS: tuple[str, ...] = (GRANTED, PARTLY, *(item.name for item in T3_SUB_ROWS))


def group_rows(group: str) -> tuple[str, ...]:
    """The sub-rows of a result group (三 … 六)."""
    return tuple(item.name for item in T3_SUB_ROWS if item.group == group)


def group_label(group: str) -> str:
    """A result group as findings name it: 三（三）不予公开."""
    return f"三（{group}）{T3_GROUPS[group][0]}"


# ---------------------------------------------------------------- 表四 (part 四)

REVIEW, SUIT_DIRECT, SUIT_AFTER = "行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"
# Tried in this order: 复议后起诉 and 未经复议直接起诉 both contain 复议.
T4_GROUPS: tuple[Item, ...] = (
    Item(SUIT_AFTER, ("复议后起诉",)),
    Item(SUIT_DIRECT, ("未经复议", "直接起诉")),
    Item(REVIEW, ("行政复议",)),
)
T4_ORDER = (REVIEW, SUIT_DIRECT, SUIT_AFTER)
UPHELD, CORRECTED, OTHER_RESULT, PENDING = "结果维持", "结果纠正", "其他结果", "尚未审结"
T4_COLUMNS: tuple[Item, ...] = (
    Item(UPHELD, ("结果维持", "维持")),
    Item(CORRECTED, ("结果纠正", "纠正")),
    Item(OTHER_RESULT, ("其他结果", "其他")),
    Item(PENDING, ("尚未审结", "未审结")),
    Item(TOTAL, ("总计", "合计")),
)
T4_PARTS = (UPHELD, CORRECTED, OTHER_RESULT, PENDING)

# Words that make a table one of the three (the most hits wins; two at least).
TABLE_WORDS: dict[str, tuple[str, ...]] = {
    TABLE2: ("第二十条", "信息内容", "规章", "规范性文件", "制发", "废止", "现行有效", "行政许可",
             "行政处罚", "行政强制", "处理决定", "行政事业性收费", "收费金额"),
    TABLE3: ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
             "法律服务机构", "新收", "上年结转", "办理结果", "予以公开", "部分公开", "不予公开", "国家秘密",
             "无法提供", "不予处理", "其他处理", "结转下年"),
    TABLE4: ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议",
             "直接起诉", "复议后起诉"),
}
