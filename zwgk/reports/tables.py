"""The three tables of a report read from the grids of a .docx or a web page, by their content.

A grid is a table as laid out: every row as wide as the cells it spans, a merged cell repeated in
each position it covers (with one ``origin``, so that a merged cell is still one cell). Which
table a grid is comes from the words in it; a grid without enough of them that follows a table
with nothing but blank lines or "续表" between is that table continued (split across pages). The
header rows give each column its meaning by name (so 法人或其他组织's sub-columns may come in any
order, and a header repeated after a page break is just read again); a row is known by the
phrases of its label, with the result group （三）–（六） carried from row to row for the numbered
sub-rows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zwgk.reports import format as f
from zwgk.reports.safety import ReportFileRefused
from zwgk.reports.text import arabic_numbering, cell_value, label_key, show

#: Wider than any layout of the three tables (表四 has 15 number columns).
MAX_COLUMNS = 100
#: Positions of all the grids of one file: the three tables take a few hundred; a file of
#: hundreds of thousands is not a report, and laying it out would only fill memory.
MAX_CELLS = 100_000
#: Words of the format a grid must hold to be taken for one of its tables on its own; a part of
#: a table split across pages, with fewer, is recognised as the continuation of the one before.
MIN_WORDS = 3

#: 元 in 万元, the unit of 表二's fees.
YUAN = Decimal("0.0001")

FigureKey = tuple[str, str, str]  # (table, row, column)
Figures = dict[FigureKey, Decimal]


@dataclass(frozen=True)
class Cell:
    """One position of a grid: the text of the cell covering it and that cell's identity."""

    text: str
    key: str
    origin: int


Grid = list[list[Cell]]


@dataclass(frozen=True)
class RawCell:
    """A cell as the file writes it, before it is laid out on the grid."""

    text: str
    colspan: int = 1
    rowspan: int = 1  # HTML rowspan (the cells below are absent)
    merged_above: bool = False  # .docx vMerge continue (the cell is present, its text is above's)
    merged_left: bool = False  # .docx legacy hMerge continue (one cell with the one before it)
    skip: bool = False  # .docx gridBefore: an empty position, no cell


class GridBuilder:
    """Lays out the rows of every table of one file, counting rows against ``max_rows``."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows = self.cells = 0
        self._origin = 0

    def grid(self, raw_rows: Iterable[Sequence[RawCell]]) -> Grid:
        """The grid of one table, laid out row by row as they are read; ReportFileRefused as soon
        as the file's tables are longer or larger than any report's."""
        grid: Grid = []
        pending: dict[int, tuple[Cell, int]] = {}  # column → (cell from above, rows it still covers)
        for raw_row in raw_rows:
            self.rows += 1
            if self.rows > self.max_rows:
                raise ReportFileRefused(f"表格共超过 {self.max_rows} 行，不是年度报告的表格，拒绝读取 "
                                        "(tables larger than ZWGK_MAX_TABLE_ROWS)")
            row: dict[int, Cell] = {}
            for j, (cell, left) in list(pending.items()):
                row[j] = cell
                if left > 1:
                    pending[j] = (cell, left - 1)
                else:
                    del pending[j]
            column = 0
            for raw in raw_row:
                while column in row:
                    column += 1
                span = max(1, min(raw.colspan, MAX_COLUMNS))
                if column + span > MAX_COLUMNS:
                    raise ReportFileRefused(f"表格超过 {MAX_COLUMNS} 列，不是年度报告的表格，拒绝读取 "
                                            "(table too wide)")
                if not raw.skip:
                    cell = self._cell(raw, row, grid[-1] if grid else None, column)
                    covers = raw.rowspan - 1  # a span past the last row covers nothing more
                    for j in range(column, column + span):
                        row[j] = cell
                        if covers > 0:
                            pending[j] = (cell, covers)
                column += span
            width = max(row, default=-1) + 1
            self.cells += width
            if self.cells > MAX_CELLS:
                raise ReportFileRefused(f"表格共超过 {MAX_CELLS} 个单元格，不是年度报告的表格，拒绝读取 "
                                        "(tables too large)")
            grid.append([row.get(j) or Cell("", "", self._next()) for j in range(width)])
        return grid

    def _cell(self, raw: RawCell, row: dict[int, Cell], above: list[Cell] | None, column: int) -> Cell:
        if raw.merged_above and above is not None and column < len(above):
            return above[column]
        if raw.merged_left and column - 1 in row:
            return row[column - 1]
        return Cell(raw.text, label_key(raw.text), self._next())

    def _next(self) -> int:
        self._origin += 1
        return self._origin


def table_kind(grid: Grid) -> str | None:
    """表二, 表三 or 表四 by the format's words found in the grid (``MIN_WORDS`` at least: a
    table of the report's own that names 行政许可 and 行政处罚 is not 表二), else None."""
    keys = "|".join({cell.origin: cell.key for row in grid for cell in row}.values())
    hits = {kind: sum(1 for word in words if word in keys) for kind, words in f.TABLE_WORDS.items()}
    kind = max(hits, key=hits.__getitem__)
    return kind if hits[kind] >= MIN_WORDS else None


def group_grids(blocks: Iterable[str | Grid]) -> dict[str, list[Grid]]:
    """Each table's grids in document order: a grid of a known kind goes to its table; an
    unknown one continues the table just before it when only blank lines or a "续表" line lie
    between (a table split across pages), and is dropped otherwise."""
    tables: dict[str, list[Grid]] = {}
    last: str | None = None
    for block in blocks:
        if isinstance(block, str):
            key = label_key(block)
            if len(key) > 12 and "续" not in key:
                last = None
            continue
        kind = table_kind(block) or last
        if kind is not None:
            tables.setdefault(kind, []).append(block)
        last = kind
    return tables


@dataclass
class TableReading:
    """What the tables gave: figures by (table, row, column), the tables found, notes for people."""

    figures: Figures = field(default_factory=dict)
    found: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def put(self, table: str, row: str, column: str, cell: Cell | None, scale: Decimal = Decimal(1)) -> None:
        """Record one cell's number (blank is 0), times ``scale`` (the column's unit) unless the
        cell writes its own (5000元, 0.5万元); an unreadable cell is noted and counted as 0, a
        second different value for the same cell is noted and ignored."""
        value, unit = cell_value(cell.text if cell else "")
        if value is None:
            self.notes.append(f"{table} {row} × {column}：单元格“{cell.text if cell else ''}”不是数字，按 0 计")
            value = Decimal(0)
        value = value * {"元": YUAN, "万元": Decimal(1)}.get(unit, scale)
        key = (table, row, column)
        if key in self.figures:
            if self.figures[key] != value:
                self.notes.append(f"{table} {row} × {column} 出现两次（{show(self.figures[key])} 和 {show(value)}），"
                                  "以第一次为准")
            return
        self.figures[key] = value


def read_tables(blocks: Sequence[str | Grid]) -> TableReading:
    """The figures of 表二, 表三 and 表四 found among ``blocks``."""
    reading = TableReading()
    grids = group_grids(blocks)
    for kind, read in ((f.TABLE2, _read_table2), (f.TABLE3, _read_table3), (f.TABLE4, _read_table4)):
        if kind in grids:
            reading.found.append(kind)
            read(grids[kind], reading)
    return reading


# ---------------------------------------------------------------- shared

def _distinct(cells: Iterable[Cell]) -> list[Cell]:
    """The cells of a row once each (a merged cell covers several positions), in order."""
    seen: set[int] = set()
    out = []
    for cell in cells:
        if cell.origin not in seen:
            seen.add(cell.origin)
            out.append(cell)
    return out


def _exact(cell: Cell, items: Sequence[f.Item]) -> str | None:
    """The name of the item whose phrase the cell is exactly (a column header), or None."""
    return next((item.name for item in items if cell.key in item.keys), None)


def _header_map(row: list[Cell], items: Sequence[f.Item]) -> dict[int, str]:
    return {j: name for j, cell in enumerate(row) if (name := _exact(cell, items)) is not None}


class _Columns:
    """Column meanings carried from grid to grid: header rows add up (a header repeated after a
    page break, whole or only its last row, names the same columns again); a continued grid
    without a header is aligned on the right edge (numbers are on the right; label columns
    differ when a merged label ends)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.width = 0
        self.in_header = False

    def header(self, found: dict[int, str], width: int) -> None:
        self.names = {**self.names, **found}
        self.width, self.in_header = width, True

    def data(self) -> None:
        self.in_header = False

    def new_grid(self, width: int) -> None:
        shift = width - self.width
        self.names = {j + shift: name for j, name in self.names.items() if 0 <= j + shift < width}
        self.width, self.in_header = width, False

    def standard(self, names: Sequence[str], width: int) -> None:
        """No header at all: the format's columns, in its order, at the right of the grid."""
        self.names = {width - len(names) + k: name for k, name in enumerate(names) if width - len(names) + k >= 0}
        self.width = width


# ---------------------------------------------------------------- 表三

def _match_t3(parts: list[Cell], group: str | None) -> tuple[str | None, str | None]:
    """The 表三 row a row's label cells name (None: not a row with numbers; ``group:三`` for a
    result group's heading row) and the result group in force after it.

    The rightmost label is the most specific (a merged 三、本年度办理结果 and （三）不予公开 stand to
    the left of 1.属于国家秘密); a group heading anywhere in the row sets the group, else the one
    of the rows above holds, for 3.其他 and for sub-rows known only by their number.
    """
    here = next((g for cell in parts for g, (_name, words) in f.T3_GROUPS.items()
                 if any(word in cell.key for word in words)), None)
    group = here or group
    for cell in reversed(parts):
        key = cell.key
        subs = [item for item in f.T3_SUB_ROWS if any(word in key for word in item.keys)]
        if subs:
            sub = next((item for item in subs if item.group == group), subs[0])
            return sub.name, sub.group
        if key in ("其他", "3其他") and group in (None, "六"):
            return f.group_rows("六")[-1], "六"
        if here is not None and any(word in key for word in f.T3_GROUPS[here][1]):
            return f"group:{here}", here
        main = next((item.name for item in f.T3_ROWS if not item.group and any(w in key for w in item.keys)), None)
        if main is not None:
            return main, None
        number = arabic_numbering(cell.text)
        if group is not None and number is not None and 1 <= number <= len(f.group_rows(group)):
            return f.group_rows(group)[number - 1], group
    return None, group


def _read_table3(grids: list[Grid], reading: TableReading) -> None:
    columns, group = _Columns(), None
    for index, grid in enumerate(grids):
        width = max((len(row) for row in grid), default=0)
        if index:
            columns.new_grid(width)
        for row in grid:
            found = _header_map(row, f.T3_COLUMNS)
            if len(set(found.values())) >= 2:
                columns.header(found, width)
                continue
            labels = _distinct(cell for j, cell in enumerate(row) if j not in columns.names and cell.key)
            name, group = _match_t3(labels, group)
            if name is None:
                continue
            columns.data()
            if not columns.names:
                columns.standard([item.name for item in f.T3_COLUMNS], width)
                reading.notes.append("表三未找到表头（自然人、商业企业……总计），按格式的列序读取")
            if name.startswith("group:"):
                _note_group_figures(row, columns, name.removeprefix("group:"), reading)
                continue
            for j, column in columns.names.items():
                reading.put(f.TABLE3, name, column, row[j] if j < len(row) else None)


def _note_group_figures(row: list[Cell], columns: _Columns, group: str, reading: TableReading) -> None:
    """A result group's heading row carries no numbers in the format: say so if it has any."""
    values = [cell_value(row[j].text)[0] for j in columns.names if j < len(row)]
    if any(value for value in values):
        reading.notes.append(f"表三 {f.group_label(group)} 一行填有数字；按格式应分项填在其下各行，"
                             "此行数字未计入")


# ---------------------------------------------------------------- 表四

def _t4_group(texts: str) -> str | None:
    return next((item.name for item in f.T4_GROUPS if any(word in texts for word in item.keys)), None)


def _read_table4(grids: list[Grid], reading: TableReading) -> None:
    """表四's numbers under its header. As the format lays it out, one data row holds all three
    groups (named above each column): the first row whose number cells all read (a blank is 0)
    and hold a number, else the first that reads at all (all blank: all 0). Laid out the other
    way, each group is a row named on the left, and every such row is read."""
    columns = _Columns()
    above: dict[int, list[str]] = {}  # column → the texts above the data
    blank: tuple[list[Cell], dict[int, tuple[str, str]]] | None = None
    for index, grid in enumerate(grids):
        width = max((len(row) for row in grid), default=0)
        if index:
            columns.new_grid(width)
        for row in grid:
            found = _header_map(row, f.T4_COLUMNS)
            if len(set(found.values())) >= 2:
                columns.header(found, width)
            elif columns.names and not found and _reads(row, columns):
                groups = _t4_groups(row, columns, above)
                if not any(row[j].text.strip() for j in columns.names if j < len(row)):
                    blank = blank or (row, groups)
                elif _t4_row(row, groups, reading):
                    return  # the format's one row of all three groups
            for j, cell in enumerate(row):
                above.setdefault(j, []).append(cell.key)
    if blank is not None and not any(key[0] == f.TABLE4 for key in reading.figures):
        _t4_row(*blank, reading)
    if not any(key[0] == f.TABLE4 for key in reading.figures):
        reading.notes.append("表四未找到表头（结果维持、结果纠正……总计）下的数据")


def _reads(row: list[Cell], columns: _Columns) -> bool:
    """Whether every number cell of the row reads as a number (blank is 0)."""
    return all(cell_value(row[j].text if j < len(row) else "")[0] is not None for j in columns.names)


def _t4_groups(row: list[Cell], columns: _Columns, above: dict[int, list[str]]) -> dict[int, tuple[str, str]]:
    """Each number column's group (named above the column, else on the left of the row) and
    measure."""
    left = _t4_group("|".join(cell.key for j, cell in enumerate(row) if j not in columns.names))
    groups = {}
    for j, measure in columns.names.items():
        group = _t4_group("|".join(above.get(j, []))) or left
        if group is not None:
            groups[j] = (group, measure)
    return groups


def _t4_row(row: list[Cell], groups: dict[int, tuple[str, str]], reading: TableReading) -> bool:
    """Put the row's numbers; whether it held more than one group (the format's single row)."""
    for j, (group, measure) in sorted(groups.items()):
        reading.put(f.TABLE4, group, measure, row[j] if j < len(row) else None)
    return len({group for group, _measure in groups.values()}) > 1


# ---------------------------------------------------------------- 表二

def _t2_header(row: list[Cell]) -> dict[int, str] | None:
    """A row naming the columns of a block of 表二 (信息内容 | 本年制发件数 | …), or None."""
    if not any(word in cell.key for cell in row for word in f.T2_HEADER_KEYS):
        return None
    return {j: item.name for j, cell in enumerate(row) for item in f.T2_COLUMNS
            if any(word in cell.key for word in item.keys)}


def _fee_scale(row: list[Cell], column: int | None) -> Decimal:
    """Fees are in 万元; a column headed in 元 is converted."""
    text = row[column].key if column is not None and column < len(row) else ""
    return Decimal(1) if "万元" in text or "元" not in text else YUAN


def _read_table2(grids: list[Grid], reading: TableReading) -> None:
    """Each block of 表二 names its columns in its own header row; a row is known by its first
    label (规章, 行政规范性文件, 行政许可 …)."""
    names: dict[int, str] = {}
    header: list[Cell] = []
    for grid in grids:
        for row in grid:
            found = _t2_header(row)
            if found is not None:
                names, header = found, row
                continue
            cells = _distinct(row)
            first = next((k for k, cell in enumerate(cells) if cell.key), None)
            if first is None or cells[first].key.startswith("第二十条"):
                continue
            item = next(((it, cols) for it, cols in f.T2_ROWS if any(w in cells[first].key for w in it.keys)), None)
            if item is not None:
                _t2_row(row, cells[first], cells[first + 1:], item, names, header, reading)


def _t2_row(row: list[Cell], label: Cell, values: list[Cell], item: tuple[f.Item, tuple[str, ...]],
            names: dict[int, str], header: list[Cell], reading: TableReading) -> None:
    """One row's numbers: by the columns its block's header names, else in the format's order."""
    it, allowed = item
    by_name: dict[str, int] = {}
    for j, name in sorted(names.items()):
        if j < len(row) and row[j].origin != label.origin:
            by_name.setdefault(name, j)
    for k, column in enumerate(allowed):
        scale = Decimal(1)
        if column == f.T2_FEES:
            scale = _fee_scale(header, by_name.get(column))
            if scale != 1:
                reading.notes.append("表二 本年收费金额以“元”为单位，已换算为万元")
        if column in by_name:
            reading.put(f.TABLE2, it.name, column, row[by_name[column]], scale)
        else:
            reading.put(f.TABLE2, it.name, column, values[k] if k < len(values) else None, scale)
