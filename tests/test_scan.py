"""A pattern is only run on a text holding a word every match of it holds: the words, and the same matches."""
from __future__ import annotations

import re
import string

from hooks.complexity import SERVICES
from hooks.rubric import _KINDS
from hooks.scan import Caseless, Scan, words


def test_words_are_each_alternatives_longest_plain_run() -> None:
    # a covered word ("aws_s3_" holds "s3") is left out
    assert words(r"\bs3\b|aws_s3_|s3bucket|aws::kms::") == ("s3", "aws::kms::")
    # a character before ?, * or {m,n} may be absent from a match; a class is no plain text
    assert words(r"dead[-_ ]?letter|aspects?\b|x{2,3}yz|multi[-_ ]?az") == ("letter", "aspect", "yz", "multi")
    # a group is unknown text, and its alternatives are not the pattern's
    assert words(r"public(?:ly)?[- ]access|(?:broken|missing) wiring|(?<!console )\boutputs?\b") == ("public", " wiring", "output")
    assert words(r"lambda|\d+") is None and words(r"(?:a|b)") is None  # no such word: every text is scanned
    assert words(r"a\|b|[|]c") == ("a", "c")  # an escaped or a class's bar splits nothing
    assert words(r"[]a]b|[^]x]yz") == ("b", "yz")  # a "]" first in a class is one of its characters
    assert words(r"(?i)lambda") is None and words(r"(?x) aws _ s3") is None  # plain runs mean more under these flags


def test_a_scan_finds_what_its_pattern_finds() -> None:
    texts = ["", "secret decrypt", "aws_ecr_repository ecr", "dead-letter queue, multi-az, a public-access block",
             "console output only", "outputs: x", "broken  wiring", "LAMBDA lambda.Function", "s3bucket and s3"]
    patterns = [p.lower() for p in SERVICES.values()] + [scan.compiled.pattern for _, _, scan in _KINDS]
    for pattern in patterns:
        scan = Scan(pattern)
        for text in texts:
            assert [m.span() for m in scan.finditer(text)] == [m.span() for m in re.finditer(pattern, text)], (pattern, text)
            assert bool(scan.search(text)) == bool(re.search(pattern, text))


def test_caseless_scans_find_what_ignorecase_finds_for_every_character() -> None:
    """Lower-casing the text, not folding case in the pattern, matches the same at the same places
    for every code point but Caseless.AWKWARD (texts holding one keep re.IGNORECASE)."""
    awkward = set(Caseless.AWKWARD.pattern[1:-1])
    plain = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF and chr(i) not in awkward)
    lowered = plain.lower()
    assert len(lowered) == len(plain)
    for char in string.ascii_lowercase + string.digits + string.punctuation + " ":
        assert [m.start() for m in re.finditer(re.escape(char), plain, re.I)] == [m.start() for m in re.finditer(re.escape(char), lowered)]
    for cls in (r"\w", r"\s", r"\d"):
        assert [m.start() for m in re.finditer(cls, plain)] == [m.start() for m in re.finditer(cls, lowered)]
    for char in awkward:  # each for a reason: lower() makes two characters, or re folds it to an ASCII letter
        assert len(char.lower()) > 1 or any(re.fullmatch(p, char, re.I) for p in string.ascii_lowercase)
    score = Caseless("training[ _-]?quality")
    for text in ("x TRAINING_QUALITY", "x Training Quality \u00e9", "x TRA\u0130N\u0130NG_QUALITY", "x tra\u0131n\u0131ng quality"):
        found = score.search(text)
        assert found is not None and found.start() == 2, text
    assert score.search("training quality") and not score.search("training  quality")
