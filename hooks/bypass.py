"""Hook-bypass and score-editing text, found line by line in any plain text.

Serves MODEL_FAILURES.md, metadata.json, commit messages and the lines a commit adds: the
evidence is the same shell text wherever it leaked. The text is read as it shows: markup GitHub
renders as plain text (`\\-\\-no-verify`, `&#45;&#45;no-verify`, `--no-*verify*`, `<!-- -->`) undone,
look-alike dashes and zero-width characters folded (`git commit —no-verify`, `--no\u200b-verify`), and
backslash-continued lines joined, so none of these hides a bypass; flags are read as git reads them, so
`--no-verify-ssl` or `git commit -m "-n"` are not one. Kinds: no-verify, skip-hooks (SKIP=, HUSKY=0,
core.hooksPath), score-edit (a script that sets training_quality or rewrites metadata.json naming it;
reading the score is none), heredoc-tail.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from hooks.failures import SCORE_FIELD, Bypass, Caseless
from hooks.report import shorten

# U+2010..U+2015 hyphens and dashes, minus sign, small/full-width hyphen-minus.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"))
_FOLD = {**_DASHES, **_INVISIBLE, 0xA0: " ", 0x202F: " "}
_FOLDED = re.compile("[" + "".join(map(chr, _FOLD)) + "]")  # finds one far faster than translate() copies
# Markup GitHub shows as plain text, so that `&#45;&#45;no-verify` or `\-\-no-verify` reads as it renders: each
# pattern with a character it needs (most texts lack some; `in` finds one character far faster than a
# pair), and what replaces a match. Each starts with a literal character (a quick scan); none crosses a
# line break.
_MARKUP: list[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    ("<", re.compile(r"<!--(?:(?!<!--)[^\r\n])*?-->"), ""),  # --no-ve<!-- -->rify
    ("*", re.compile(r"\*(?<=[\w-]\*)(\*{0,2})([\w-]+)\*\1"), r"\2"),  # --no-*verify*, co**mm**it
    ("_", re.compile(r"_(?<=-_)(_{0,2})((?:[^\W_]|-)+)_\1"), r"\2"),  # --no-_verify_
    ("\\", re.compile(r"\\([!#%()*+,./:<=>?@\[\]^_{}~-])"), r"\1"),  # \- (not quotes, `$` or `;|&`: a shell reads those)
    ("&", re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"), lambda m: _decoded(m.group())),
]

# Options before `commit` read one way each ("-[\w-]+", not "--?[\w-]+", which can split "--x" two ways and
# made a line of options backtrack exponentially).
_GIT_COMMIT = re.compile(r"\bgit\b(?:\s+(?:-[cC]\s+\S+|-[\w-]+(?:=\S+)?))*\s+commit\b(?P<args>.*)")
_TOKEN = re.compile(r"\"(?:\\.|[^\"\\])*\"?|'[^']*'?|&&|\|\||[;|&]|[^\s;|&]+")
_OPERATORS = {"&&", "||", ";", "|", "&"}
_SHORT_VALUE = set("mFcCt")  # the value is the rest of the word (-mfix) or the next word
_SHORT_OPTIONAL_VALUE = set("uS")  # a value only in the same word (-uno)
_LONG_WITH_VALUE = {"--message", "--file", "--author", "--date", "--cleanup", "--template", "--reuse-message",
                    "--reedit-message", "--fixup", "--squash", "--trailer", "--pathspec-from-file"}
_NO_VERIFY_ANYWHERE = re.compile(r"(?<![\w-])--no-verify(?![\w-])")
# Hooks switched off around a commit or push: another core.hooksPath given to it or set for the repository,
# or pre-commit's SKIP= or husky's HUSKY=0 in the environment before it.
_GIT_RUN = re.compile(r"\bgit\b(?P<options>(?:\s+(?:-[cC]\s+\S+|-[\w-]+(?:=\S+)?))*)\s+(?:commit|push)\b")
# `git config core.hooksPath DIR` alone is how a project installs its own hooks ("prepare": "git config
# core.hooksPath .githooks"): a bypass where it points nowhere, or where a commit or push follows.
_SETS_HOOKS_PATH = re.compile(r"\bgit\s+(?:-[cC]\s+\S+\s+)*config\s+(?:(?!--(?:get|unset|list))-[\w-]+\s+)*"
                              r"(?:set\s+)?core\.hookspath\s+(?P<value>[^\s;&|]+)", re.I)
_NOWHERE = re.compile(r"""["']{2}|["']?(?:/dev/null|nul|none|false|/tmp\b[^\s;&|]*|\.?no-?hooks?)["']?$""", re.I)
_SKIP_ENV = re.compile(r"(?<![\w$-])(?:SKIP=[^\s;&|]|HUSKY=0|HUSKY_SKIP_HOOKS=1)")

_EDIT_TOOL = re.compile(r"(?<![\w.-])(?:jq|yq|sed|perl|awk|python3?|node|ruby)(?![\w-])|json\.dumps?\b|JSON\.stringify|writeFileSync")
_SUBSCRIPT_ASSIGNMENT = re.compile(r"""\[\s*["']training_quality["']\s*\]\s*=(?!=)""")  # data["training_quality"] = 9
# What sets the field, beside an edit tool. Each alternative scans forward from a fixed start and stops at
# a brace or the line's end: linear on any line.
_SETS_FIELD = re.compile(
    r"\.training_quality\s*\|?=(?!=)"  # jq '.training_quality = 9'
    r"|[+*]\s*\{[^{}]*?training_quality[\"']?\s*:"  # jq '. + {"training_quality": 9}'
    r"|setpath\(\s*\[\s*[\"']training_quality"  # jq 'setpath(["training_quality"]; 9)'
    r"|\.update\(\s*\{?\s*[\"']?training_quality[\"']?\s*[=:]"  # d.update(training_quality=9)
)
_SED = re.compile(r"\b(?:sed|perl)\b")
_SUBSTITUTE = re.compile(r"\bs[/|#,:]")  # after `sed`/`perl`, and training_quality after it
_CHANGE = re.compile(r"/[ \t]*c(?:\\|[ \t])")  # sed '/training_quality/c\ ...': the addressed line replaced
# Writes metadata.json: a redirect, or open(..., 'w'); other writers (mv, sponge, sed -i) are read as commands.
_WRITES_METADATA = re.compile(r">\s*\S*metadata\.json|open\(\s*[\"']?[^\s,()]*metadata\.json[\"']?\s*,\s*[\"'][wa]")
_IN_PLACE = re.compile(r"-[0-9a-zA-Z]{0,3}i[a-zA-Z]?(?![a-zA-Z])|--in-?place")  # sed -i, perl -pi, yq -i (not perl -Mstrict)
_IN_PLACE_TOOLS = {"sed", "perl", "yq", "ruby"}
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTINUED = re.compile(r"\\[\r\n]")  # a backslash ending a line: the command goes on on the next
# What each check needs on a line (a word before `&&`/`||`/`;`; "commit", "--no-verify", the score
# field, "hooksPath", "SKIP=" or "HUSKY"): two quick scans for these find the few lines worth reading closely.
_OPERATOR = re.compile(r"[A-Z0-9_][^\S\r\n]*(?:&&|\|\||;)")
# Words from the last three start at a rare character (k, =): a branch starting at a common letter would
# make the scan a third slower.
_WORDS = Caseless(rf"commit|--no-verify|{SCORE_FIELD.pattern}|kspath(?<=hookspath)|=(?<=skip=)|ky(?<=husky)")
# A terminator word, then a shell command: `EOF && jq ...`, `EOF; HUSKY=0 git ...` (not "TL;DR Failures").
_HEREDOC_TAIL = re.compile(r"^\s*(?P<word>[A-Z][A-Z0-9_]*)\s*(?:&&|\|\||;)\s*(?:[a-z_./$'\"(-]|[A-Z_][A-Z0-9_]*=)")


def fold(line: str) -> str:
    """The line as a shell would act on it: look-alike dashes as '-', invisible characters gone."""
    return line if line.isascii() or not _FOLDED.search(line) else line.translate(_FOLD)


def unmark(text: str) -> str:
    """The text as GitHub renders it where that matters here: inline HTML comments, in-word emphasis and
    markdown's backslash escapes gone, HTML entities decoded. Line breaks stay where they were."""
    for needed, pattern, replacement in _MARKUP:
        if needed in text:
            text = pattern.sub(replacement, text)
    return text


def _decoded(entity: str) -> str:
    from html import unescape  # html.entities is a large table: loaded only for a text that has one

    shown = unescape(entity)
    return entity if "\n" in shown or "\r" in shown else shown  # &#10; would move the lines below


def lines(text: str) -> list[str]:
    """The lines as editors and markdown number them: split at LF, CRLF or CR, and nothing else."""
    return _NEWLINE.split(text)


def find(text: str) -> list[Bypass]:
    """Each line's bypass evidence, one entry per line and kind, in line order. A command continued
    over several lines (`git commit \\` then `  -n`) is read as one line, numbered where it starts."""
    folded = fold(unmark(text))  # both keep every line break: lines stay where they were
    starts: list[int] = []
    if "\\" in folded and _CONTINUED.search(folded):  # one character: far faster to look for than a pair
        folded, starts = _join_continued(folded)
    candidates = [m.start() for pattern in (_OPERATOR, _WORDS) for m in pattern.finditer(folded)]
    found: list[Bypass] = []
    for number, line in _lines_at(folded, sorted(candidates)):
        for kind, at in (("heredoc-tail", _heredoc_tail(line)), ("no-verify", _no_verify(line)), ("skip-hooks", _skip_hooks(line)),
                         ("score-edit", _score_edit(line))):
            if at is not None:
                found.append(Bypass(starts[number - 1] if starts else number, kind, shorten(line[at:].strip(), 100)))
    return found


def _join_continued(text: str) -> tuple[str, list[int]]:
    """The text with each backslash-newline removed, as a shell reads it, and the number of the line
    each joined line starts on."""
    joined: list[str] = []
    starts: list[int] = []
    pieces: list[str] = []  # of the line being continued
    for number, line in enumerate(lines(text), 1):
        if pieces and _HEREDOC_TAIL.match(line):  # `EOF && ...` is a line of its own, whatever came before it
            joined.append("".join(pieces))
            pieces = []
        if not pieces:
            starts.append(number)
        if line.endswith("\\"):
            pieces.append(line[:-1])
        else:
            joined.append("".join([*pieces, line]))
            pieces = []
    if pieces:  # the text ends in a backslash
        joined.append("".join(pieces))
    return "\n".join(joined), starts


def _lines_at(text: str, offsets: list[int]) -> list[tuple[int, str]]:
    """The numbered lines that hold these (sorted) offsets, each once, in order."""
    if "\r" in text:  # CR and CRLF break lines too
        starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        numbered = lines(text)
        return [(n, numbered[n - 1]) for n in sorted({bisect.bisect_right(starts, at) for at in offsets})]
    picked: list[tuple[int, str]] = []
    number, counted = 1, 0
    for at in offsets:
        start = text.rfind("\n", 0, at) + 1
        if picked and start == counted:
            continue  # on the line just picked
        number += text.count("\n", counted, start)
        end = text.find("\n", at)
        picked.append((number, text[start : end if end >= 0 else len(text)]))
        counted = start
    return picked


def _no_verify(line: str) -> int | None:
    """Where a commit (or push) that skips the hooks starts, or None."""
    commits = [m for m in _GIT_COMMIT.finditer(line) if _commit_skips_hooks(m.group("args"))]
    if commits:
        return commits[0].start()
    flag = _NO_VERIFY_ANYWHERE.search(line)
    return flag.start() if flag else None


def _skip_hooks(line: str) -> int | None:
    """Where a commit or push with its hooks switched off (SKIP=, HUSKY=0, core.hooksPath) starts, or None."""
    found = [git.start() for git in _GIT_RUN.finditer(line) if "core.hookspath" in git["options"].lower()]
    setting = _SETS_HOOKS_PATH.search(line)
    if setting and not (_NOWHERE.match(setting["value"]) or _GIT_RUN.search(line, setting.end())):
        setting = None
    env = _SKIP_ENV.search(line)
    found += [m.start() for m in (setting, env if env and _GIT_RUN.search(line, env.end()) else None) if m]
    return min(found, default=None)


def _commit_skips_hooks(args: str) -> bool:
    """Read `git commit`'s options up to the end of the command, as git parses them."""
    tokens = iter(_TOKEN.findall(args))
    for token in tokens:
        if token in _OPERATORS or token == "--":
            return False
        if token.startswith("--"):
            name = token.split("=", 1)[0]
            if len(name) >= len("--no-veri") and "--no-verify".startswith(name):
                return True  # git accepts any unambiguous prefix
            if name in _LONG_WITH_VALUE and "=" not in token:
                next(tokens, None)
        elif token.startswith("-") and len(token) > 1:
            for i, letter in enumerate(token[1:]):
                if letter == "n":
                    return True
                if letter in _SHORT_VALUE and i == len(token) - 2:
                    next(tokens, None)
                if letter in _SHORT_VALUE | _SHORT_OPTIONAL_VALUE:
                    break
                if not letter.isalpha():
                    break
    return False


def _score_edit(line: str) -> int | None:
    """Where a script that rewrites training_quality starts, or None: one that sets the field, or an
    edit tool on a line that names the field and writes metadata.json. Reading the score is no edit."""
    if not SCORE_FIELD.search(line):
        return None
    direct = _SUBSCRIPT_ASSIGNMENT.search(line) or _sed_edit(line)
    if direct:
        return direct.start()
    tool = _EDIT_TOOL.search(line)
    return tool.start() if tool and (_SETS_FIELD.search(line) or _writes_metadata(line)) else None


def _sed_edit(line: str) -> re.Match[str] | None:
    """`sed`/`perl` with `s/...training_quality` or `/training_quality/c\\`: the first `sed` or `perl`.
    Found in forward scans; one pattern with two `.*` would take cubic time on a long line."""
    sed = _SED.search(line)
    if not sed:
        return None
    substitute = _SUBSTITUTE.search(line, sed.end())
    if substitute and "training_quality" in line[substitute.end() :]:
        return sed
    field = line.find("training_quality", sed.end())
    return sed if field >= 0 and _CHANGE.search(line, field) else None


def _writes_metadata(line: str) -> bool:
    """A redirect or open() into metadata.json, or a command that replaces it: `mv tmp metadata.json`,
    `cp`, `sponge`/`tee metadata.json`, or `sed -i`/`perl -pi`/`yq -i` naming it."""
    if _WRITES_METADATA.search(line):
        return True
    for command in _commands(line):
        words = [word.strip("`'\"()") for word in command]
        names = [word.rsplit("/", 1)[-1] for word in words]
        target = max((i for i, word in enumerate(words) if word.endswith("metadata.json")), default=-1)
        if target == len(words) - 1 and _first(names, {"mv", "cp"}) < target - 1:  # mv SOURCE metadata.json
            return True
        if _first(names, {"sponge", "tee"}) < target:
            return True
        tool = _first(names, _IN_PLACE_TOOLS)
        if tool < target and any(_IN_PLACE.match(word) for word in words[tool + 1 :]):
            return True
    return False


def _first(names: list[str], wanted: set[str]) -> int:
    """The index of the first of these command names, or past the end."""
    return next((i for i, name in enumerate(names) if name in wanted), len(names))


def _commands(line: str) -> list[list[str]]:
    """The line's shell words, split into commands at `&&`, `||`, `;`, `|` and `&`."""
    commands: list[list[str]] = [[]]
    for token in _TOKEN.findall(line):
        if token in _OPERATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return commands


def _heredoc_tail(line: str) -> int | None:
    return 0 if _HEREDOC_TAIL.match(line) else None
