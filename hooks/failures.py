"""MODEL_FAILURES.md read as a reviewer reads it: the failures it lists, and what it claims.

Contract shared by the parser (issue 3), the rubric (issue 4) and the history audit (issue 5):
`parse(path, text) -> Analysis`, a tree of plain frozen dataclasses. `Analysis.to_json()` is
described by schemas/model-failures.schema.json. Lines are 1-based lines of the document.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from hooks.encoding import decode, label
from hooks.report import shorten
from hooks.scan import Caseless

if TYPE_CHECKING:
    from hooks.report import Finding

Level = Literal["Critical", "High", "Medium", "Low"]
Category = Literal["A", "B", "C"]
LEVELS: tuple[Level, ...] = ("Critical", "High", "Medium", "Low")


@dataclass(frozen=True)
class Failure:
    line: int
    title: str
    text: str  # the failure's own text (title, fields, sub-bullets), code fences left out
    level: Level | None  # None: the document gives none
    level_source: Literal["field", "tag", "heading"] | None
    category: Category | None  # only where the document states one
    unread_level: str | None = None  # a level field's value that names no level ("Severity: Major")


@dataclass(frozen=True)
class DeclaredCounts:
    line: int
    counts: dict[str, int]  # level -> number, only the levels the document declares
    text: str
    from_sentence: bool = False  # one level counted in running text ("contained 9 critical issues"): maybe an adjective
    # other readings of a level named twice in a line ("1 Critical (deploy), 1 Critical (IAM)"): the sum, the last
    also: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def disagrees(self, listed: Mapping[str | None, int]) -> dict[str, int]:
        """The declared levels whose count no reading of the declaration gives."""
        return {lv: n for lv, n in self.counts.items() if listed.get(lv, 0) != n and listed.get(lv, 0) not in self.also.get(lv, ())}


# Why a count read from running text is uncertain (TQ202, TQ304 say so and only warn).
FROM_SENTENCE = "the count is read from a sentence, where the level may be a plain adjective"


@dataclass(frozen=True)
class StatedScore:
    line: int
    value: float
    text: str


@dataclass(frozen=True)
class Claim:
    """The analysis says the MODEL_RESPONSE was already competent."""

    line: int
    text: str
    # said in a failure's own text ("the model used production-grade instances"), which tells what was wrong
    in_failure: bool = False


@dataclass(frozen=True)
class Bypass:
    """Hook-bypass or score-editing text."""

    line: int
    kind: str  # "no-verify", "skip-hooks", "score-edit" or "heredoc-tail"
    text: str


@dataclass(frozen=True)
class Analysis:
    path: str
    failures: tuple[Failure, ...]
    declared: tuple[DeclaredCounts, ...]
    scores: tuple[StatedScore, ...]
    claims: tuple[Claim, ...]
    bypasses: tuple[Bypass, ...]
    empty: bool = False  # nothing a reviewer could read: no text, or a template's placeholder
    encoding: str = "utf-8"  # what the file's byte order mark named, else UTF-8 (hooks.encoding)

    @property
    def declares_none(self) -> bool:
        """The document counts its failures, and every count is zero: it says there are none."""
        return bool(self.declared) and all(sum(d.counts.values()) == 0 for d in self.declared)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- reading ---------------------------------------------------------------------------------
# The document is read as markdown-it blocks (so code fences, HTML and quotes are never read),
# then its outline decides what is a failure: a heading per failure, or the top-level items of
# a list inside a failures section. Everything below works on plain text with 1-based lines.


@dataclass(slots=True)  # not frozen: a document makes thousands, and frozen ones cost twice as much to make
class _Unit:
    """One block of readable text: a heading, a paragraph or a table row."""

    kind: Literal["heading", "para", "row"]
    line: int
    text: str  # plain text, one line per source line
    level: int = 0  # a heading's level
    block: int = 0  # which list or table the unit sits in (0: none), for grouping counts
    cells: tuple[str, ...] = ()


@dataclass(slots=True)
class _Item:
    """A list item: its first line, last line and nesting depth."""

    line: int
    end: int
    depth: int


@dataclass
class _Node:
    """A heading and the units under it up to the next heading of the same or a higher level."""

    unit: _Unit | None  # None: the document itself
    start: int  # index of the first unit of the body
    end: int  # index past the last unit of the section
    children: list[_Node]
    title: str = ""  # the heading as words (_title), read once: the outline asks for it often


def read(path: str, data: bytes) -> Analysis:
    """The analysis in a file's bytes: decoded as its byte order mark says, then parsed."""
    return parse(path, *decode(data))


def parse(path: str, text: str, encoding: str = "utf-8", found: Sequence[Bypass] | None = None) -> Analysis:
    """Read the analysis a reviewer reads: the first document, up to a leaked heredoc's end.
    `found`: the bypass text already found in `text` (tasks.bypasses reads it once per blob)."""
    from hooks import bypass

    bypasses = tuple(bypass.find(text) if found is None else found)
    tail_at = next((b.line for b in bypasses if b.kind == "heredoc-tail"), 0)
    # What follows `EOF && ...` is shell, then other tasks' documents. (markdown-it ends lines at
    # CR, CRLF and LF, as bypass.lines does.)
    source = "\n".join(bypass.lines(text)[: tail_at - 1]) if tail_at else text
    md = _markdown()
    tokens, offset = md.parse(source), 0
    if len(tokens) == 1 and tokens[0].type == "fence" and _pasted(tokens[0]):
        tokens, offset = md.parse(tokens[0].content), tokens[0].map[0] + 1  # a whole document pasted in a fence
    if _quoted_whole(tokens):  # a whole document written as a quote: it reads as the document
        tokens = [t for t in tokens if not (t.level == 0 and t.type in ("blockquote_open", "blockquote_close"))]
    units, items = _read_blocks(tokens, offset)
    root = _outline(units)
    failures = tuple(_failures(root, units, items))
    scores = [s for u in units for s in _scores(u.line, u.text)]
    if tail_at:  # the leaked command itself, up to where it moves on to another branch
        command = re.split(r"\bgit\s+(?:checkout|switch)\b", bypass.fold(bypass.lines(text)[tail_at - 1]))[0]
        scores += _scores(tail_at, command)
    return Analysis(
        path=path,
        failures=failures,
        declared=tuple(_declared(units)),
        scores=tuple(scores),
        claims=tuple(_claims(root, units, lambda: _in_failures(root, units, items, failures))),
        bypasses=bypasses,
        empty=not failures and _placeholder(" ".join(u.text for u in units)),
        encoding=encoding,
    )


def _pasted(fence: Any) -> bool:
    """A fence that holds the whole document: tagged markdown, or untagged and opening with a heading."""
    info = fence.info.strip().lower()
    return info in ("markdown", "md") or (not info and fence.content.lstrip().startswith("#"))


def _quoted_whole(tokens: Sequence[Any]) -> bool:
    """One quote holds everything, a title and rules above or below it at most (most documents show
    otherwise by their first paragraph)."""
    quotes = 0
    for token in tokens:
        if token.level == 0:
            if token.type == "blockquote_open":
                quotes += 1
            elif token.type not in _AROUND_A_QUOTE:
                return False
    return quotes == 1


_AROUND_A_QUOTE = frozenset({"blockquote_close", "heading_open", "heading_close", "hr"})


@functools.cache
def _markdown() -> Any:  # MarkdownIt, built once: its rule chains cost more than a small document
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])  # raw inline text is all we read


_PLACEHOLDER = re.compile(r"insert here|go(?:es)? here|provide what made the model fail|document items such as|\b(?:todo|tbd|placeholder|lorem ipsum)\b", re.I)


def _placeholder(text: str) -> bool:
    """No words at all, or a short text that is a template's instruction rather than an analysis."""
    return not text.strip() or (len(text) < 600 and bool(_PLACEHOLDER.search(text)))


_PSEUDO_HEADING = re.compile(r"\W*(?:failure|issue|fix|error|problem|finding|flaw|fault)\s*[-#:]?\s*\d+\b", re.I)


def _read_blocks(tokens: Sequence[Any], offset: int = 0) -> tuple[list[_Unit], list[_Item]]:
    """Headings, paragraphs and table rows outside code, HTML and quotes; and the list items.

    A paragraph that opens with a numbered bold title or "Failure 3" acts as a heading (level 7).
    """
    units: list[_Unit] = []
    items: list[_Item] = []
    quoted = depth = blocks = 0
    block_stack: list[int] = []
    heading = 0
    row: list[str] = []
    row_line = 0
    for token in tokens:
        kind = token.type
        if kind not in _READ:
            continue
        if kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted -= 1
        elif quoted:
            continue
        elif kind == "inline":
            if not token.map:
                continue
            text, line = _plain(token.content), token.map[0] + 1 + offset
            if row_line and line == row_line and not heading:
                row.append(text)
            elif heading:
                units.append(_Unit("heading", line, text, level=heading))
            elif block_stack:
                units.append(_Unit("para", line, text, block=block_stack[-1]))
            else:
                title, _, rest = text.partition("\n")
                if (token.content.startswith("**") and _numbered(_title(title))) or _PSEUDO_HEADING.match(title):
                    units.append(_Unit("heading", line, title, level=7))
                    text, line = rest, line + 1
                if text:
                    units.append(_Unit("para", line, text))
        elif kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            depth += kind != "table_open"
            if not block_stack:
                blocks += 1
            block_stack.append(blocks)
        elif kind in ("bullet_list_close", "ordered_list_close", "table_close"):
            depth -= kind != "table_close"
            block_stack.pop()
        elif kind == "list_item_open":
            items.append(_Item(token.map[0] + 1 + offset, token.map[1] + offset, depth))
        elif kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "tr_open":
            row, row_line = [], token.map[0] + 1 + offset
        elif kind == "tr_close":
            units.append(_Unit("row", row_line, " | ".join(row), block=block_stack[-1] if block_stack else 0, cells=tuple(row)))
        elif kind == "heading_close":
            heading = 0
        if kind == "table_close":
            row_line = 0
    return units, items


# The tokens _read_blocks acts on; paragraphs' own open and close, fences, HTML and cells pass by.
_READ = frozenset({"blockquote_open", "blockquote_close", "inline", "bullet_list_open", "ordered_list_open", "table_open",
                   "bullet_list_close", "ordered_list_close", "table_close", "list_item_open", "heading_open", "heading_close",
                   "tr_open", "tr_close"})


# soft hyphen, zero-width, direction marks and variation selectors gone; hyphens as "-"; fullwidth letters as ASCII
_INVISIBLE = {**dict.fromkeys(map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")),
              **dict.fromkeys(range(0xFE00, 0xFE10)), 0x2010: "-", 0x2011: "-", 0x2012: "-", 0xFF0D: "-",
              **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}  # fullwidth ASCII as ASCII
# Cyrillic and Greek letters that look Latin, read as Latin inside a word that also has Latin letters
# ("\u0421ritical"): a word of one script stays as it is.
_LOOKALIKES = str.maketrans("аеорсухіјѕһԁԛԝАВЕКМНОРСТХІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "aeopcyxijshdqwABEKMHOPCTXIJSoABEZHIKMNOPTYX")
_LOOKALIKE = re.compile("[" + "".join(chr(c) for c in _LOOKALIKES) + "]")
_MIXED = re.compile(r"\w*(?:[A-Za-z][^\x00-\x7f\W]|[^\x00-\x7f\W][A-Za-z])\w*")


def _latin(word: re.Match[str]) -> str:
    return word.group().translate(_LOOKALIKES)


_EMPHASIS = re.compile(r"\*\*|__|[*`]|~~")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STRUCK = re.compile(r"~~(?=\S)[^~\n]*?~~")
# Inline HTML that GitHub renders as formatting: not `Output<string>`, `<BucketName>`, "a < b" or "<5 items"
_TAG_HTML = re.compile(r"</?(?:b|i|u|s|em|strong|span|p|div|br|sup|sub|code|kbd|mark|small|big|font|a|del|ins|strike|tt|var|abbr|cite|q)"
                       r"(?:\s[^<>\n]*)?/?>", re.I)


def _unescape(text: str) -> str:
    from html import unescape

    return unescape(text)


def _plain(markdown: str) -> str:
    """Inline markdown as a reader sees it: no emphasis marks, links as their text, no comments,
    struck-out text gone ("~~High~~ Low" reads Low), HTML tags left out and `&#76;` as "L"."""
    text = _uncomment(markdown) if "<!--" in markdown else markdown
    text = _STRUCK.sub("", text) if "~~" in text else text
    text = _TAG_HTML.sub("", text) if "<" in text else text
    text = _unescape(text) if "&" in text else text
    text = _unlink(text) if "](" in text else text
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text) if "\\" in text else text  # backslash escapes: "1\\." is "1."
    if not text.isascii():  # "L\u200bow" reads as "Low", "production\u2011ready" and "\u0435xcellent" as they show
        text = text.translate(_INVISIBLE)
        text = _MIXED.sub(_latin, text) if _LOOKALIKE.search(text) else text  # emoji alone: no word to mend
    if "\n" not in text:
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


# Comments and links are taken out by hand, in one pass: as patterns (`<!--.*?-->`,
# `!?\[([^\]]*)\]\([^)]*\)`) every unclosed one scans to the end of the text, quadratic time on a
# paragraph of them.


def _uncomment(text: str) -> str:
    """Without `<!-- ... -->` comments (an unclosed one stays)."""
    kept, at = [], 0
    while (start := text.find("<!--", at)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        kept.append(text[at:start])
        at = end + 3
    return "".join(kept) + text[at:]


def _unlink(text: str) -> str:
    """Links and images `[text](target)` as their text."""
    kept, at, pos = [], 0, 0
    while (opening := text.find("[", pos)) >= 0 and (closing := text.find("]", opening + 1)) >= 0:
        if not text.startswith("(", closing + 1):
            pos = closing + 1  # no "[" before this "]" opens a link
            continue
        end = text.find(")", closing + 2)
        if end < 0:
            break  # no link closes after this
        kept += [text[at : opening - 1 if opening > at and text[opening - 1] == "!" else opening], text[opening + 1 : closing]]
        at = pos = end + 1
    return "".join(kept) + text[at:]


def _outline(units: Sequence[_Unit]) -> _Node:
    root = _Node(None, 0, len(units), [])
    stack = [root]
    for i, unit in enumerate(units):
        if unit.kind != "heading":
            continue
        while len(stack) > 1 and stack[-1].unit.level >= unit.level:  # type: ignore[union-attr]
            stack.pop().end = i
        node = _Node(unit, i + 1, len(units), [], _title(unit.text))
        stack[-1].children.append(node)
        stack.append(node)
    return root


# --- which parts are failures ----------------------------------------------------------------

_LEVEL_WORD = r"(critical|high|medium|low)"
_FAILURE_NOUN = r"failures?|issues?|errors?|problems?|bugs?|mistakes?|gaps?|defects?|fix(?:es)?|findings?|concerns?"
_NOT_FAILURES = re.compile(
    r"strengths?|went (?:well|right)|(?:got|did|done|went|gets) (?:right|well)|positives?|summary|overview|introduction"
    r"|\bnot (?:a |an |model |real |actual )?(?:failures?|issues?|errors?|problems?|bugs?|wrong)\b|(?:did ?n[o']t|does ?n[o']t|no) need(?:ed)? (?:any )?fix|conclusions?|training (?:value|quality)|lessons?|learnings?|takeaways?|recommendations?|statistics|metrics"
    r"|assessment|justification|^appendix|^references\b|next steps|scoring|knowledge gaps?|excellent|exemplary"
    r"|correct(?:ly)? implement|successful|well[- ]implemented|root cause analysis|no (?:\w+ )?(?:failures|issues)"
    r"|strong points|highlights|what worked|best practices (?:followed|implemented|applied|demonstrated)"
    r"|(?:operational|business|overall) impact|impact (?:analysis|assessment|summary)|\bby (?:priority|severity|category|impact|type)\b"
    r"|^(?:\d+[.):]?\s+)?(?:background|context|task context|scope|methodology|problem statement|task description)$"
)
_NOT_FAILURES_UNLESS_NAMED = re.compile(r"validation|verification|test(?:ing)? (?:results|coverage|status)|deployment (?:status|results|outcome)|coverage|compliance|comparison|architecture|features")
_FAILURE_WORDS = re.compile(  # word starts ("model_failure" is one): "suffix" and "default" are no failures
    r"(?<![a-z])(?:fail|issue|error|problem|bug|mistake|gap|defect|deficien|fix|correction|enhancement|improvement|concern|fault"
    r"|weakness|shortcoming|finding|discrepanc|violation|vulnerab|misconfigur|flaw|omission|deviation|wrong)"
)
_GROUP = re.compile(
    r"\b(?:failures|issues|errors|problems|bugs|mistakes|gaps|defects|deficiencies|fixes|corrections|enhancements"
    r"|improvements|concerns|weaknesses|shortcomings|findings|discrepancies|violations|vulnerabilities|misconfigurations"
    r"|flaws|omissions|deviations|changes|failure analysis|what went wrong"
    r"|what (?:[\w'-]+ ){0,3}?(?:got wrong|did wrong|failed to do))\b"
)
_PART = re.compile(
    r"(?:the )?(?:problem|issue|description|problem description|failure description|issue description|root cause"
    r"|impact|business impact|impact analysis|fix|fix applied|fixes applied|the fix|solution|resolution|correct(?:ed)? (?:implementation|code|approach|version|configuration)"
    r"|what went wrong|what was wrong|why (?:this|it) matters|error(?: message)?|errors? encountered|evidence|category|severity|impact level"
    r"|model[ _]response(?: issues?| code| approach)?|ideal[ _]response(?: fix| features| code| solution)?|model issues|ideal improvements"
    r"|original(?: code)?|before|after|expected(?: behavior)?|actual(?: behavior)?|code comparison|training value|lessons? learned"
    r"|prevention(?: strategy)?|symptoms?|details?|location|affected (?:files|resources|components)|recommendations?|changes made"
    r"|how it was fixed|failure modes|mitigation(?: strateg(?:y|ies))?|common mistake|correct implementation|incorrect(?: implementation| code)?|correct"
    r"|ideal solution|model output|learning (?:point|value)|key learning|deployment impact|test(?:ing)? impact|code example)"
)
_NUMBERED = re.compile(
    r"(?:#?\d+(?:\.\d+)*[.):]?\s|(?:[a-z]+\s+){0,2}(?:failure|issue|fix|error|problem|bug|finding|gap|mistake|change"
    r"|correction|improvement|enhancement|defect|flaw|fault|case)\s*[-#:]?\s*\d+\b)"
)
_FIELD = re.compile(
    rf"^[^\w\n]*(?:(?:impact|severity|priority|risk)[ _]level|severity|priority|criticality)\W*?\s*[:：=|\-–—]\s*\W*(?:p\d\W*)?(?:very\s+)?{_LEVEL_WORD}\b"
    rf"|^[^\w\n]*impact\W*?\s*[:：=|]\s*\W*{_LEVEL_WORD}(?=\s*(?:$|[^\w\s]|(?:severity|priority|impact|risk)\b))",
    re.I | re.M,
)
# A level field whatever its value says ("Severity: Major"): the value _FIELD could not read
_FIELD_LABEL = re.compile(r"^[^\w\n]*(?:(?:impact|severity|priority|risk)[ _]level|severity)\W*?\s*[:：=]\s*\W*(\w[^\n]{0,29})", re.I | re.M)
# After a level: what makes it a label ("High - ...", "High:", "High severity"), not a compound word ("High-level")
_AS_LABEL = rf"(?=\s*(?:$|[:|/–—)\]]|-(?!\w)|-?(?:severity|priority|impact|risk|{_FAILURE_NOUN})\b))"
_TAG = re.compile(
    rf"[\[(]\s*(?:(?:severity|impact|priority)\s*)?(?::\s*)?{_LEVEL_WORD}\b"  # each space one way: no cubic backtracking
    rf"|(?:severity|impact level|priority)\s*[:=-]?\s*{_LEVEL_WORD}\b"
    rf"|^(?:\W*\d+[.):]?\s*)?(?:[^\w\s]+\s*)?{_LEVEL_WORD}{_AS_LABEL}",
    re.I,
)
_HEADING_LEVEL = re.compile(rf"\b{_LEVEL_WORD}{_AS_LABEL}", re.I)
_CATEGORY = re.compile(r"\b(?i:category)\s*[:=]?\s*\(?([ABC])(?![\w])")
_CATEGORY_FIELD = re.compile(r"^[^\w\n]*(?i:category)\W*?\s*[:=]\s*\W*([ABC])(?![\w])", re.M)


_DECORATION = re.compile(r"^[^\w#]+")


def _title(text: str) -> str:
    """A heading as words: lower case, without leading emoji or markup."""
    return _DECORATION.sub("", text.lower()).rstrip(" :")


@functools.lru_cache(maxsize=8192)
def _excluded(title: str) -> bool:
    """Sections that are not failures: strengths, summaries, validation results (unless numbered).
    Asked of every heading, often twice, and the same headings recur in every version of a document."""
    if _NOT_FAILURES.search(title):
        return True
    return bool(_NOT_FAILURES_UNLESS_NAMED.search(title)) and not _FAILURE_WORDS.search(title) and not _numbered(title)


def _is_part(title: str) -> bool:
    return bool(_PART.fullmatch(title))


def _numbered(title: str) -> bool:
    return bool(_NUMBERED.match(title))


def _kids(node: _Node) -> list[_Node]:
    """The headings under a node that can hold failures: not summaries, not parts of one failure."""
    pseudo = node.unit is None or bool(_GROUP.search(node.title))  # bold numbered paragraphs inside a failure are steps
    return [
        c
        for c in node.children
        if (not _excluded(c.title) or _sorted_failures(c))
        and (_numbered(c.title) or _GROUP.search(c.title) or not _is_part(c.title))
        and (pseudo or c.unit.level < 7)  # type: ignore[union-attr]
    ]


def _sorted_failures(node: _Node) -> bool:
    """A section its title would leave out ("by severity", "assessment") that names failures and holds
    them under numbered headings: "## Failures by Severity" over "### 1. ..." (not a summary of them)."""
    return bool(_SORTED.search(node.title) and _GROUP.search(node.title) and any(_numbered(c.title) for c in node.children))


_SORTED = re.compile(r"\bby (?:priority|severity|category|impact|type)\b|^(?:detailed )?assessment of|^knowledge gaps")


def _itemish(node: _Node, units: Sequence[_Unit]) -> bool:
    """A heading that reads as one failure: numbered, tagged with a level, or with a level field."""
    own = units[node.start : node.children[0].start - 1 if node.children else node.end]
    return _numbered(node.title) or bool(_TAG.search(node.title)) or any(_FIELD.search(u.text) for u in own)


def _failures(root: _Node, units: Sequence[_Unit], items: Sequence[_Item]) -> list[Failure]:
    """Walk the outline: groups of failures are entered, failures are read whole."""
    if not root.children:  # no headings at all: a bare list of failures
        return list(_list_failures(root, [], units, items))
    # The file is a failure analysis even when no heading says so: read numbered headings then.
    found = list(_walk(root, [], "none", units, items)) or list(_walk(root, [], "document", units, items))
    by_heading = {u.line for u in units if u.kind == "heading"}
    if any(f.line in by_heading for f in found):  # a document lists its failures one way; lists then recap them
        found = [f for f in found if f.line in by_heading]
    return found


def _walk(node: _Node, ancestors: list[_Node], context: str, units: Sequence[_Unit], items: Sequence[_Item]) -> Iterator[Failure]:
    """`context`: "none", "document" (a failures title over the whole document) or "section"."""
    path = [*ancestors, node] if node.unit else ancestors
    children = _kids(node)
    if node.unit is None and node.children and node.children[0].unit.level == 1 and node.children[0] not in children:  # type: ignore[union-attr]
        children.insert(0, node.children[0])  # the document's title is no summary, even if it says so
    for child in children:
        title = child.title
        group = bool(_GROUP.search(title)) and not _numbered(title)
        if node.unit is None and child.unit.level == 1 and _FAILURE_WORDS.search(title):  # type: ignore[union-attr]
            inner = "section" if context == "section" else "document"
        elif group or (context != "none" and _FAILURE_WORDS.search(title)):
            inner = "section"
        else:
            inner = context
        kids = _kids(child)
        if kids and (group or any(_itemish(k, units) for k in kids) or not (context != "none" and _itemish(child, units))):
            yield from _walk(child, path, inner, units, items)
        elif group and not kids:
            yield from _list_failures(child, path, units, items) if inner != "none" else ()
        else:
            named, itemish = bool(_FAILURE_WORDS.search(title)), _itemish(child, units)
            if context == "section" or (context == "document" and (itemish or named)) or (named and itemish):
                yield _failure(child.unit.line, child.unit.text, units[child.start : child.end], path)  # type: ignore[union-attr]


def _list_failures(node: _Node, ancestors: list[_Node], units: Sequence[_Unit], items: Sequence[_Item]) -> Iterator[Failure]:
    """The top-level items of the lists in a section's own text and its sections, less a summary's or a
    strengths list's ("Total failures: 0 ..." is no failure); their sub-items belong to them."""
    left_out = [range(c.start - 1, c.end) for c in node.children if _excluded(c.title) and not c.children]
    body = [u for k, u in enumerate(units[node.start : node.end], node.start) if not any(k in r for r in left_out)]
    if not body:
        return
    first, last = body[0].line, max(u.line for u in body)
    own = [i for i in items if first <= i.line <= last]
    if not own:
        return
    top = min(i.depth for i in own)
    path = [*ancestors, node] if node.unit else ancestors
    for item in (i for i in own if i.depth == top):
        inside = [u for u in body if item.line <= u.line <= item.end]
        if inside:
            yield _failure(item.line, inside[0].text.split("\n")[0], inside[1:] if inside[0].line == item.line else inside, path, inside[0].text)


def _failure(line: int, title: str, body: Sequence[_Unit], ancestors: Sequence[_Node], first: str = "") -> Failure:
    """One failure: its level from a field, else a tag in its title, else the nearest severity heading."""
    text = "\n".join(filter(None, [first or title, *(u.text for u in body)]))
    level: str | None = None
    source: Literal["field", "tag", "heading"] | None = None
    own = [*([_Unit("para", line, first)] if first else []), *body]
    field = next((m for u in own for m in [_FIELD.search(u.text)] if m), None)
    unread = None if field else next((m.group(1) for u in own for m in [_FIELD_LABEL.search(u.text)] if m), None)
    tag = _TAG.search(title)
    heading = next((m for node in reversed(ancestors) if node.unit for m in [_heading_level(node.unit.text)] if m), None)
    if field:
        level, source = _level(field), "field"
    elif tag:
        level, source = _level(tag), "tag"
    elif heading:
        level, source = heading, "heading"
    category = _CATEGORY.search(title) or _CATEGORY_FIELD.search(text)
    if not category:
        category = next((m for node in reversed(ancestors) if node.unit for m in [_CATEGORY.search(node.unit.text)] if m), None)
    return Failure(
        line=line,
        title=title.split("\n")[0],
        text=text,
        level=level,  # type: ignore[arg-type]
        level_source=source,
        category=category.group(1) if category else None,  # type: ignore[arg-type]
        unread_level=unread,
    )


def _level(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g).capitalize()


def _heading_level(text: str) -> str | None:
    """The one level a section heading names ("High Severity Failures"); none if it names two."""
    found = {m.group(1).capitalize() for m in _HEADING_LEVEL.finditer(text)}
    return found.pop() if len(found) == 1 else None


# --- what the document declares and claims ---------------------------------------------------

_QUALIFIED = rf"{_LEVEL_WORD}(?:[\s-]+(?:severity|priority|impact))?"  # "High", "High severity", "high-priority"
_EFFORT = r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|points?|pts|lines?)\b"
_COUNT_BEFORE = re.compile(rf"(?<![\w./-])(\d+)\s*(?:[x×]\s*)?{_QUALIFIED}(?![\w-]|\s*/\s*[a-z])", re.I)  # not "20 Medium/Low"
# not an effort or a range ("Critical fixes: 3 hours", "Critical: 8-10")
_COUNT_AFTER = re.compile(rf"{_QUALIFIED}(?:\s+(?:{_FAILURE_NOUN}))?\s*(?:[:=×]\s*|[(\[]\s*|[–—]\s*)(\d+)(?![\d./]|\s*(?:%|[-–]\s*\d|{_EFFORT}))", re.I)
_COUNTING = re.compile(rf"\b(?:total|count|breakdown|{_FAILURE_NOUN}|identified|found|by severity)\b", re.I)


def _declared(units: Sequence[_Unit]) -> Iterator[DeclaredCounts]:
    """Counts by level, one declaration per paragraph, list or table."""
    for _, group in itertools.groupby(units, key=lambda u: u.block or -id(u)):
        group = list(group)
        counted = [(u, c) for u, c in _unit_counts(group) if c[0]]
        if counted:
            merged: dict[str, int] = {}
            also: dict[str, tuple[int, ...]] = {}
            for _, (counts, _, more) in counted:
                merged, also = {**counts, **merged}, {**more, **also}
            yield DeclaredCounts(counted[0][0].line, {lv: merged[lv] for lv in LEVELS if lv in merged},
                                 "\n".join(u.text for u, _ in counted), all(sentence for _, (_, sentence, _) in counted), also)


Counts = tuple[dict[str, int], bool, dict[str, tuple[int, ...]]]  # by level, from a sentence, other readings


def _unit_counts(group: Sequence[_Unit]) -> Iterator[tuple[_Unit, Counts]]:
    """Each unit's counts and whether they come from a sentence; a table counts once, as a whole."""
    for unit in group:
        if unit.kind != "row":
            yield unit, _counts(unit)
        elif unit is group[0]:
            yield unit, (_table_counts(group), False, {})


def _table_counts(rows: Sequence[_Unit]) -> dict[str, int]:
    """A table of levels and numbers: a level per row ("| Critical | 2 |"), or levels as columns
    over rows of numbers, whose "Total" row, or else their sum, is the declaration."""
    numbers = [[int(c) if re.fullmatch(r"\d+", c.strip()) else None for c in row.cells] for row in rows]
    head = [_heading_level(c) if len(c) < 40 else None for c in rows[0].cells]
    if any(head) and len(rows) > 1:
        body = [(row, nums) for row, nums in zip(rows[1:], numbers[1:]) if any(n is not None for n in nums)]
        totals = [nums for row, nums in body if re.search(r"total", row.cells[0], re.I)]
        found: dict[str, int] = {}
        for nums in totals[:1] or [nums for _, nums in body]:
            for lv, n in zip(head, nums):
                if lv and n is not None:
                    found[lv] = found.get(lv, 0) + n
        return found
    found = {}
    counted = [bool(_COUNT_COLUMN.search(c)) for c in rows[0].cells[1:]]  # "| Severity | Count |", not "| Severity | Hours |"
    for row, nums in zip(rows, numbers):
        levels = [_heading_level(c) if len(c) < 40 else None for c in row.cells]
        for lv, n, column in zip(levels, nums[1:], counted):
            if lv and n is not None and column:
                found.setdefault(lv, n)
    return found


_COUNT_COLUMN = re.compile(rf"count|number|\bno\.|#|total|{_FAILURE_NOUN}", re.I)


_LEVEL_NAMED = Caseless(_LEVEL_WORD)  # what every count holds


_NEXT_WORDS = re.compile(r"[ \t]+([a-z][\w/-]*(?:[ \t]+[a-z][\w/-]*){0,3})", re.I)


def _of_failures(line: str, count: re.Match[str]) -> bool:
    """"2 critical alarms" counts alarms, not failures: words after the level, none of them a failure's,
    and no total before it ("Total failures: 1 Critical infrastructure code" counts failures; "Issue: it
    lacked 2 critical variables" does not)."""
    words = _NEXT_WORDS.match(line, count.end())
    return (not words or bool(_FAILURE_WORDS.search(words.group(1).lower()) or _ALSO_FAILURES.search(words.group(1)))
            or bool(_TOTALLING.search(line, 0, count.start())))


_TOTAL_HEADING = re.compile(r"\W*(?:total|summary|breakdown|tally|failure count|issue count)\b", re.I)  # not "2. Alarm count: ..."
_TOTALLING = re.compile(r"\b(?:total|count|breakdown|tally|summary|by (?:severity|impact|priority))\b", re.I)
_ALSO_FAILURES = re.compile(r"^(?:and|or|plus|with)\b|block|risk|item|change|point|vulnerab|violation", re.I)  # "3 Critical and 2 High"


def _counts(unit: _Unit) -> Counts:
    """Counts by level in a unit's first lines, and whether they come from running text only: one
    level counted in a sentence ("contained 9 critical issues"), not a list, a label ("Critical:
    2", "Total: 5 Critical") or several levels together. A level named twice in a line is read
    each way: its first count, their sum, its last count ("2 critical ...; 1 additional critical
    (3 Critical in all)")."""
    found: dict[str, int] = {}
    also: dict[str, tuple[int, ...]] = {}
    if unit.kind == "heading" and not _TOTAL_HEADING.match(unit.text):  # "### Total failures: 2 Critical" counts
        return found, False, also
    lines = unit.text.split("\n", 3)[:3]
    if not _LEVEL_NAMED.search("\n".join(lines)):  # the first three lines in one scan: no level spans a line
        return found, False, also
    sentence = not unit.block
    for line in lines:
        before = [m for m in _COUNT_BEFORE.finditer(line) if _of_failures(line, m)]
        after = list(_COUNT_AFTER.finditer(line))
        pairs = [(m.group(2), m.group(1), m.start(1)) for m in before] + [(m.group(1), m.group(2), m.start(2)) for m in after]
        levels = {lv.capitalize() for lv, _, _ in pairs}
        if pairs and (len(levels) > 1 or _COUNTING.search(line) or unit.block):
            for lv, n, _ in pairs:
                found.setdefault(lv.capitalize(), int(n))
            for lv in levels - also.keys():
                counted = [int(n) for k, n, _ in sorted(dict.fromkeys(pairs), key=lambda p: p[2]) if k.capitalize() == lv]
                if len(counted) > 1:
                    also[lv] = (sum(counted), counted[-1])
            sentence = sentence and len(levels) == 1 and not after and ":" not in line[: before[0].start()]
    return {lv: found[lv] for lv in LEVELS if lv in found}, sentence, also


_SCORE_AFTER = re.compile(r"training[ _-]?quality(?:\s+score)?[^.\n\d≥≤<>]{0,40}?(?<![\d.\-–])(\d+(?:\.\d+)?)\s*(?:/\s*10|out of 10)(?!\d|\.\d)", re.I)
# "Training Quality: 9" is a score; "Impact on Training Quality: +3 points" is an adjustment.
_SCORE_LABEL = re.compile(r"training[ _-]?quality(?:\s+score)?\W{0,3}(?<![<>≥≤!])[:=](?!=)\s*[^\w+\-–]{0,2}(\d+(?:\.\d+)?)(?!\s*(?:-(?!>)|[–/%\d.]|points?\b|pts\b))", re.I)
# "Previous Training Quality: 5/10" is history, not what the analysis claims now.
_EARLIER = re.compile(r"\b(?:previous(?:ly)?|initial(?:ly)?|original(?:ly)?|prior|before|old|was|from)\W+(?:\w+\W+){0,2}$", re.I)
# "7/10 → 9/10" and "6/10 before the fixes": the analysis tells a history; it states the score it ends at.
_THEN = re.compile(r"\s*(?:(?:→|->|=>|⇒|⟶)\s*\**(?:(\d+(?:\.\d+)?)(?!\.?\d)(?:\s*(?:/\s*10|out of 10)(?!\d))?)?|\(?(?:before|initially|originally)\b)", re.I)
_SCORE_BEFORE = re.compile(r"(?<![\d.\-–≥≤<>])(\d+(?:\.\d+)?)\s*/\s*10(?!\d|\.\d)[^.\n]{0,25}?training[ _-]?quality", re.I)


SCORE_FIELD = re.compile(r"training[ _-]?quality", re.I)  # every stated score names it (bypass.py's score edits too)


def _scores(line: int, text: str) -> list[StatedScore]:
    found: dict[tuple[int, float], StatedScore] = {}
    if not SCORE_FIELD.search(text):
        return []
    for offset, row in enumerate(text.split("\n")):
        for pattern in (_SCORE_AFTER, _SCORE_LABEL, _SCORE_BEFORE):
            for m in pattern.finditer(row):
                then = _THEN.match(row, m.end()) if pattern is not _SCORE_BEFORE else None
                value = float(then.group(1) if then and then.group(1) else m.group(1))
                if value <= 10 and not _EARLIER.search(row[: m.start(1)]) and not (then and not then.group(1)):
                    found.setdefault((line + offset, value), StatedScore(line + offset, value, shorten(row.strip(), 200)))
    return list(found.values())


# Each alternative starts with a letter, none with a group: re then passes over every position where
# none can start (this scan reads every paragraph: twice as fast as "(?:minor|cosmetic|trivial) ...").
_COMPETENT = Caseless(
    r"production[- ](?:ready|grade|quality)|deployment[- ]ready|excellent(?! (?:training|learning))|exemplary"
    r"|outstanding(?! (?:\w+ )?(?:todo|issues?|items?|work|placeholders?|bugs?|problems?|questions?|concerns?|tasks?|errors?|fixes))"
    r"|exceptional(?!(?:ly)? (?:\w+ )?(?:conditions?|cases?|circumstances?|paths?|errors?|situations?|flows?|events?|states?))"
    r"|high[- ]quality(?! (?:training|learning))|near[- ]perfect|flawless"
    r"|only (?:\w+ ){0,3}?(?:minor|cosmetic|trivial|small) (?:[\w-]+ ){0,3}?(?:fix|issue|error|change|adjust|correction|refinement"
    r"|tweak|improvement|enhancement|gap|problem|inconsistenc|area|modification|update|edit|bug|defect|polish)|"
    + "|".join(rf"{word} (?:\w+ )?(?:fixes|changes|issues|adjustments|corrections|refinements|tweaks)"
               for word in ("minor", "cosmetic", "trivial"))
    + r"|purely cosmetic|minimal (?:fixes|changes|corrections|issues)|zero (?:\w+ ){0,2}(?:fixes|issues|changes|corrections)"
    r"|no (?:\w+ ){0,2}(?:fixes|changes|corrections) (?:were |was )?(?:needed|required)"
    # rarer words found at a letter already searched for (p, o): an alternative at a common letter slows the scan
    r"|deployable as[- ]is|p[- ]ready(?<=ship[- ]ready)|o ship(?<=ready to ship)|only needed (?:\w+ )?tweaks"

)
_MODEL = Caseless(
    r"model[_ ]response|\bthe model\b|\bmodel's|\bmodel (?:generated|produced|provided|delivered|created|implemented|demonstrated)"
    r"|\b(?:the|this|original|initial|generated) (?:response|implementation|code|solution|output|template|infrastructure)\b"
)
_IDEAL = re.compile(r"ideal|\bcorrected\b|\bfixed (?:version|code|implementation)|\bfinal (?:[\w-]+ )?(?:implementation|version|code|solution)|\bafter (?:the )?fix|\bnow\b|\bupdated\b|\bwe\b|\bour\b"
                    r"|\b(?:these|the|all|such) (?:fixes|changes|corrections|improvements)\b|\bfixes (?:applied|made)\b|\btransform", re.I)
# Said of the corrected state when it comes first: "After correction, the template deploys a production-grade ..."
_CORRECTED = re.compile(r"\bafter (?:the )?corrections?\b|\bonce (?:fixed|corrected|remediated)\b|\bwith these (?:addressed|fixed|resolved)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|lacks?|lacking|lacked|falls? short|fell short|far from|without|rather than|instead of"
    r"|less than|nor|fails? to|failed to|missing|hardly|barely|neither|(?:designed|intended|meant|supposed|aim\w*|attempt\w*|tr(?:y|ies|ied|ying)|want\w*|hop\w*|striv\w*|ha(?:s|ve|d)|ought|order|expected) to be|to make|make it|making it|become|becoming"
    r"|would|could|should|needs? to|needed to|required to|for|towards?|achieve|achieving|reach|if|unless"
    r"|into|transform\w*|turn\w* into|result\w* in|fail\w*|apart from|aside from|besides|other than|except|beyond|more than|claim(?:s|ed|ing)?"
    r")\b|n't\b",
    re.I,
)
# The standard the model is measured against, right before the quality word (at most three words between,
# none a verb or "and" that starts a claim of its own): "unlike a production-ready setup", "the gap between
# its code and production-ready infrastructure", "violates the prompt's 'production-ready' requirements".
_WORD = r"""(?:\s+(?!(?:and|but|so|was|were|is|are|be|been|produced|delivered|generated|made|makes)\b)[\w'"-]+,?)"""
_STANDARD = re.compile(
    rf"\b(?:unlike|in contrast to|contrary to|as opposed to|compared (?:to|with)|nowhere near|a long way from|anything but"
    rf"|diverg\w* from|absence of|violat\w*|improvement in|emphasi[sz]\w*|(?:requirements?|standards?|expectations?|criteria) (?:of|for))"
    rf"{_WORD}{{0,3}}\s*[\"']?\s*$"
    rf"|\bgap between\b[^,;]{{0,80}}\band\s+$|\btreat\w*{_WORD}{{1,3}}\s+as\s+$|\bassum\w*{_WORD}{{1,4}}\s+(?:was|were|is|to be)\s+$",
    re.I,
)
_STANDARD_AFTER = re.compile(r"[\"']?\s*(?:requirements?|standards?|expectations?|criteria|bar|goals?|targets?)\b", re.I)
# Before a quality word, these make it a goal ("the PROMPT required a production-grade ..."), not a claim;
# before "zero fixes" they do not ("the implementation required zero fixes").
_GOAL = re.compile(r"\b(?:required|requires?|requiring|requested|asked|expected|specified|calls? for|called for|demand\w*|meets?|meeting|prevent\w*)\b", re.I)
_AMOUNT = re.compile(r"only|minor|cosmetic|trivial|purely|minimal|zero|no\b")
# "At first glance it looked production-ready, but ...": a concession, not a claim.
_SEEMING = re.compile(r"\b(?:look(?:s|ed)?|appear(?:s|ed)?|seem(?:s|ed|ingly)?|at first glance|on the surface|superficially)\b", re.I)
_CONCEDED = re.compile(r"\b(?:but|however|yet|although|though|while|whereas)\b", re.I)
_LABEL = re.compile(r"([^:\n]{1,40}):")  # "MODEL_RESPONSE: ..." says whom a paragraph is about
# "..., but", "however", and an "and" that starts a new predicate ("deployed without errors and needed only
# minor fixes": the "without" is not said of the fixes)
_CLAUSE = re.compile(r"([,;:(]|\b(?:but|however|although|though|while|whereas|yet)\b"
                     r"|\band (?=(?:was|were|is|are|needed|needs|required|requires|delivered|produced|generated|provided)\b))", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[`*])")  # "2 blocks were re-indented." starts one too


def _in_failures(root: _Node, units: Sequence[_Unit], items: Sequence[_Item], failures: Sequence[Failure]) -> set[int]:
    """The units inside a failure's own text: its heading's section, or its list item."""
    starts = {f.line for f in failures}
    inside: set[int] = set()
    nodes = [root]
    while nodes:
        node = nodes.pop()
        if node.unit is not None and node.unit.line in starts:
            inside.update(range(node.start, node.end))
        else:
            nodes += node.children
    lines = [u.line for u in units]
    for item in (i for i in items if i.line in starts):
        inside.update(range(bisect.bisect_left(lines, item.line), bisect.bisect_right(lines, item.end)))
    return inside


def _claims(root: _Node, units: Sequence[_Unit], in_failures: Callable[[], set[int]]) -> Iterator[Claim]:
    """Sentences that call the MODEL_RESPONSE competent; those about the IDEAL_RESPONSE are not.
    `in_failures` (asked only once a claim is found): the units inside a failure's own text."""
    inside: set[int] | None = None
    about = _section_subjects(root, units)
    paras = [(i, u) for i, u in enumerate(units) if u.kind == "para"]
    for i, unit in _holding(_COMPETENT, paras):  # every claimed sentence has a competence word
        label = _LABEL.match(unit.text)
        if label and _IDEAL.search(label.group(1)):
            continue
        # under a title naming the IDEAL_RESPONSE, "the template" may be either: only the model's name tells
        names = _NAMES_THE_MODEL if about[i] in ("both", "ideal") else _MODEL
        model_label = bool(label and names.search(label.group(1))) or about[i] == "model"
        if not (model_label or names.search(unit.text) or _FIXES_ANYWHERE.search(unit.text)):
            continue  # no sentence of it can be about the model
        for offset, sentence in _sentences(unit.text):
            if about[i] in ("both", "ideal") and not (model_label or names.search(sentence)):
                continue
            if _claimed(sentence, model_label or bool(_FIXES_NEEDED.search(sentence))):
                inside = in_failures() if inside is None else inside
                yield Claim(unit.line + offset, shorten(sentence.replace("\n", " ").strip(), 200), i in inside)


def _holding(scan: Caseless, units: Sequence[tuple[int, _Unit]]) -> list[tuple[int, _Unit]]:
    """The units `scan` matches in, found by one scan of their texts joined: far cheaper than a scan
    each. Its pattern never matches a line break, so each match lies in one unit."""
    starts = list(itertools.accumulate((len(u.text) + 1 for _, u in units), initial=0))
    found = scan.finditer("\n".join(u.text for _, u in units))
    return [units[k] for k in dict.fromkeys(bisect.bisect_right(starts, m.start()) - 1 for m in found)]


def _section_subjects(root: _Node, units: Sequence[_Unit]) -> list[str]:
    """For each unit: "ideal" or "model" when its section is about one response, else ""."""
    about = [""] * len(units)

    def mark(node: _Node, inherited: str) -> None:
        subject = _subject(node.title)
        if subject is None or (node is title and subject == "model"):
            subject = inherited
        for i in range(node.start, node.end):
            about[i] = subject
        for child in node.children:
            mark(child, subject)

    # the document's title ("# Model Response Analysis") says what the whole is, not that each part praises the model
    title = root.children[0] if root.children and root.children[0].unit.level == 1 else None  # type: ignore[union-attr]
    for child in root.children:
        mark(child, "")
    return about


def _subject(title: str) -> str | None:
    """Whom a section is about, by its title ("both" when it names both responses); None: it does not say.
    ("MODEL_FAILURES", the file's name, names no response.)"""
    model = bool(_NAMES_MODEL.search(title))
    if "ideal" in title:
        return "both" if model else "ideal"
    return "model" if (model or re.search(r"strengths|went well|got right", title)) and not _FAILURE_WORDS.search(title) else None


_NAMES_THE_MODEL = re.compile(r"model[_ ]response|\bthe model\b|\bmodel's", re.I)
_NAMES_MODEL = re.compile(r"model(?![ _-]?failures?\b)")


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in [*_SENTENCE.finditer(text), None]:
        end = m.start() if m else len(text)
        yield text.count("\n", 0, start), text[start:end]
        start = m.end() if m else len(text)


# In an analysis of the MODEL_RESPONSE, the fixes it needed are its own: "Only cosmetic fixes were needed."
_FEW_FIXES = (r"(?:(?:only |just )?(?:(?:one|two|three|a few|\d+) )?(?:minor|cosmetic|trivial|minimal)(?: [\w-]+){0,3}? (?:fix(?:es)?|changes?"
              r"|corrections?|issues?|improvements?|adjustments?|inconsistenc(?:y|ies)|discrepanc(?:y|ies))"
              r" (?:were |was )?(?:needed|required|identified|found)\b(?! (?:in|for|to|on|at|within) )"
              r"|(?:the|all) (?:fixes|changes|corrections)\b[^.]{0,40}\bwere (?:(?:all|purely|only|just) )?(?:minor|cosmetic|trivial))")
_FIXES_NEEDED = re.compile(rf"^\W*{_FEW_FIXES}", re.I)  # the sentence's point
_FIXES_ANYWHERE = re.compile(_FEW_FIXES, re.I)  # a paragraph that may hold such a sentence


# The model named right before the quality word ("The MODEL_RESPONSE was production-ready (see the
# IDEAL_RESPONSE)"): the sentence is about it, whatever else it names.
_SAID_OF_THE_MODEL = re.compile(r"(?:model[_ ]response|\bthe model)\W+"
                                r"(?:(?!ideal|corrected|fixed|final|(?:now|and|or|to|vs|versus|than|into|with|from|after)\b)[\w'-]+\W+){0,3}$", re.I)


def _claimed(sentence: str, model_label: bool) -> bool:
    if not (model_label or _MODEL.search(sentence)):
        return False
    ideal = _IDEAL.search(sentence)
    for m in _COMPETENT.finditer(sentence):
        if ideal and not _SAID_OF_THE_MODEL.search(sentence, 0, m.start()):
            continue
        clause = _clause(sentence[: m.start()])
        if _NEGATION.search(clause) or (not _AMOUNT.match(m.group()) and _GOAL.search(clause)):
            continue
        if _STANDARD.search(sentence, 0, m.start()) or _STANDARD_AFTER.match(sentence, m.end()) or _CORRECTED.search(sentence, 0, m.start()):
            continue
        if not (_SEEMING.search(clause) and _CONCEDED.search(sentence)):
            return True
    return False


def _clause(before: str) -> str:
    """The clause a competence word stands in, from the text before it: back to the last separator,
    and across the commas of a list ("failed to build secure, tested, production-ready code")."""
    parts = _CLAUSE.split(before)  # text, separator, text, ...
    clause = parts.pop()
    while len(parts) >= 2 and parts[-1] == "," and len(clause.split()) <= 2:
        clause = parts[-2] + "," + clause
        del parts[-2:]
    return clause


# --- document checks -------------------------------------------------------------------------


def check(analysis: Analysis) -> list[Finding]:
    """TQ201-TQ206: what a reviewer would send back before even looking at the score."""
    from hooks.report import Finding, Severity

    path, found = analysis.path, []
    if analysis.encoding != "utf-8":
        found.append(Finding(path, 1, 1, "TQ206", f"the file is {label(analysis.encoding)} (its byte order mark says so) and"
                             " was read as such, but GitHub and most diff tools show it as binary, so a reviewer cannot read"
                             " it: save it as UTF-8", Severity.WARNING))
    failures = analysis.failures
    if analysis.empty:
        return found + [Finding(path, 1, 1, "TQ204", "the analysis is empty or still the template's placeholder: list the model's failures, each with an impact level")]
    found += [
        Finding(path, f.line, 1, "TQ201", f"failure {f.title!r} gives its level as {shorten(f.unread_level, 30)!r}, which is none of"
                " Critical, High, Medium, Low, so the rubric reads it "
                + (f"as {f.level}, from its section heading" if f.level else "by its text (else as moderate, B)")
                + ": write one of those four", Severity.WARNING)
        for f in failures if f.unread_level
    ]
    unlevelled = [f for f in failures if f.level is None and not f.unread_level]
    levelled = sum(f.level is not None for f in failures)
    if unlevelled and levelled:
        found += [
            Finding(path, f.line, 1, "TQ201", f"failure {f.title!r} has no impact level while {levelled} of the "
                    f"{len(failures)} failures have one, so the rubric reads it by its text (else as moderate, B): add "
                    "'**Impact Level**: Critical|High|Medium|Low' (a warning: the level may stand where this reader does not look)",
                    Severity.WARNING)
            for f in unlevelled
        ]
    elif unlevelled:
        found.append(Finding(path, failures[0].line, 1, "TQ201", f"none of the {len(failures)} failures states an impact level, so the rubric "
                             "reads each by its text (else as moderate, B): add '**Impact Level**: Critical|High|Medium|Low' to each", Severity.WARNING))
    listed = {lv: sum(f.level == lv for f in failures) for lv in LEVELS}
    own = all(f.level_source in ("field", "tag") for f in failures)
    for declared in analysis.declared:
        if not declared.disagrees(listed):
            continue
        says = ", ".join(f"{n} {lv}" for lv, n in declared.counts.items())
        lists = ", ".join(f"{listed[lv]} {lv}" for lv in LEVELS if lv in declared.counts or listed[lv])
        message = f"declares {says}; lists {lists or 'no failures'}"
        if failures and own and not declared.from_sentence:
            found.append(Finding(path, declared.line, 1, "TQ202", f"{message}: make the summary and the failures' impact levels agree"))
        else:
            why = ("no failures could be read from the document" if not failures
                   else "some levels come from section headings or are missing, so the listed count may be misread" if not own
                   else FROM_SENTENCE)
            found.append(Finding(path, declared.line, 1, "TQ202", f"{message} ({why})", Severity.WARNING))
    found += [Finding(path, b.line, 1, "TQ203", f"{_BYPASS_MESSAGES.get(b.kind, b.kind)}: {b.text}") for b in analysis.bypasses]
    if not failures and not analysis.bypasses and not analysis.declares_none:
        found.append(Finding(path, 1, 1, "TQ205", "no failures could be read: put each under a heading ('### 1. Title') or as a top-level "
                             "list item inside a failures section such as '## Critical Failures'", Severity.WARNING))
    return found


# The rubric's checks (policy.CHECKS) that TQ202 and TQ203 are the document's side of: the policy
# turns them to warnings or off for check-model-failures as it does TQ304 and TQ305.
POLICY_CHECKS = {"TQ202": "declared-counts", "TQ203": "bypass"}

_BYPASS_MESSAGES = {
    "no-verify": "hook-bypass text, a commit that skips the hooks (remove it; commit with the hooks running)",
    "skip-hooks": "hook-bypass text, a commit or push with the hooks switched off by SKIP=, HUSKY=0 or core.hooksPath (remove it; "
                  "commit with the hooks running)",
    "score-edit": "score-editing text, training_quality rewritten by a script (the score must follow from the failures)",
    "heredoc-tail": "a leaked heredoc end, the shell command that wrote this file (remove it and all that follows)",
}
