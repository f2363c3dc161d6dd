"""Reports whose text is largely another's: last year's report of the same unit, or another
unit's report of the same year.

A text is compared as overlapping runs of ``SHINGLE`` characters (letters, digits and CJK only,
every digit masked, so that a copy with this year's numbers written in is still a copy). The
share of one report's runs found in the other is its similarity to it; runs that more than half
of the year's reports share are the format's own words and the common preface, and do not count.
The longest passage the two have in common is shown with the finding (a suffix automaton finds it
in time proportional to the texts' length).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from zwgk.reports.text import label_key, mask_digits, plain

SHINGLE = 12
#: Texts shorter than this (after dropping short lines) are not judged: too little to copy.
MIN_CHARS = 300
#: A line shorter than this is a heading, a label or a link, not prose.
MIN_LINE = 15
#: With this many reports or more, runs most of them share are boilerplate.
BOILERPLATE_FROM = 4
PASSAGE_SHOWN = 80
#: Only the first this many compared characters count: a report has some ten thousand, and the
#: longest-passage search needs memory in proportion.
MAX_COMPARED = 60_000


@dataclass(frozen=True)
class Prepared:
    """One report's text ready to compare: ``clean`` is what is compared, ``positions[i]`` the
    place of ``clean[i]`` in ``original`` (to show a passage as written)."""

    owner: str
    original: str
    clean: str
    positions: tuple[int, ...]
    shingles: frozenset[int]


def prepare(owner: str, text: str) -> Prepared | None:
    """A report's prose ready to compare, or None when it is too short to judge."""
    lines = [plain(line) for line in text.splitlines() if len(label_key(line)) >= MIN_LINE]
    original = "\n".join(lines)
    masked = mask_digits(original)
    positions = tuple(i for i, ch in enumerate(masked) if ch == "#" or label_key(ch))[:MAX_COMPARED]
    clean = "".join(masked[i] for i in positions)
    if len(clean) < MIN_CHARS:
        return None
    shingles = frozenset(hash(clean[i:i + SHINGLE]) for i in range(len(clean) - SHINGLE + 1))
    return Prepared(owner, original, clean, positions, shingles)


def boilerplate(texts: Sequence[Prepared]) -> frozenset[int]:
    """Runs that more than half of the texts hold (none when there are too few texts to tell)."""
    if len(texts) < BOILERPLATE_FROM:
        return frozenset()
    counts = Counter(shingle for text in texts for shingle in text.shingles)
    return frozenset(shingle for shingle, n in counts.items() if n * 2 > len(texts))


def share(text: Prepared, other: Prepared, common: frozenset[int] = frozenset()) -> float:
    """The part of ``text``'s own runs (boilerplate aside) that ``other`` also holds."""
    own = text.shingles - common
    return len(own & other.shingles) / len(own) if own else 0.0


@dataclass(frozen=True)
class Passage:
    """The longest passage two texts share: as ``text`` writes it, and its length in characters."""

    text: str
    length: int


def longest_passage(text: Prepared, other: Prepared) -> Passage:
    """The longest run of compared characters ``text`` and ``other`` have in common."""
    start, length = _longest_common(text.clean, other.clean)
    if not length:
        return Passage("", 0)
    shown = text.original[text.positions[start]:text.positions[start + length - 1] + 1].replace("\n", " ")
    if len(shown) > PASSAGE_SHOWN:
        shown = shown[:PASSAGE_SHOWN] + "……"
    return Passage(shown, length)


def _longest_common(a: str, b: str) -> tuple[int, int]:
    """Start in ``a`` and length of the longest common substring of ``a`` and ``b``: a suffix
    automaton of ``b`` walked with ``a``."""
    link, length, last = [-1], [0], 0
    moves: list[dict[str, int]] = [{}]
    for ch in b:
        current = len(length)
        length.append(length[last] + 1)
        link.append(-1)
        moves.append({})
        state = last
        while state != -1 and ch not in moves[state]:
            moves[state][ch] = current
            state = link[state]
        if state == -1:
            link[current] = 0
        else:
            target = moves[state][ch]
            if length[state] + 1 == length[target]:
                link[current] = target
            else:
                clone = len(length)
                length.append(length[state] + 1)
                link.append(link[target])
                moves.append(dict(moves[target]))
                while state != -1 and moves[state].get(ch) == target:
                    moves[state][ch] = clone
                    state = link[state]
                link[target] = link[current] = clone
        last = current
    state = run = best = best_end = 0
    for i, ch in enumerate(a):
        while state and ch not in moves[state]:
            state = link[state]
            run = length[state]
        if ch in moves[state]:
            state = moves[state][ch]
            run += 1
        if run > best:
            best, best_end = run, i
    return best_end - best + 1, best
