"""Reading the YAML files that people write (catalogs, layouts, host configurations), strictly.

`yaml.safe_load` is the wrong tool for them: it follows YAML 1.1, where `010` is 8, `0x10`
16, `1:30` 90 and `on` True; it keeps the last of two equal keys and drops unknown ones
silently; and it expands aliases without limit (613 bytes took 50 s and 3 GB).  Here the file
is composed into nodes by libyaml (fast, and each node knows its line), and the reader takes
values from the nodes' text under rules a supervisor can predict:

- numbers are plain decimal digits (no sign, no leading zero, no 0x, no 1_000, no 1:30);
- text is the scalar exactly as written (`on` stays "on"; a list where text belongs is an error);
- a key appearing twice and a key the file format does not know are errors, with their lines;
- aliases are followed, but the whole file may not expand beyond `max_nodes` nodes nor beyond
  `expansion` times the nodes written;
- control characters in text are refused (they could rewrite an operator's terminal).

Every problem is collected with its `file:line`, so a file is fixed in one go.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

MAX_INT = 2**31 - 1  # camera, monitor, salvo and tour numbers: what every matrix protocol carries
_DECIMAL = re.compile(r"[1-9][0-9]*|0")
_NUMBER = re.compile(r"(?:[1-9][0-9]*|0)(?:\.[0-9]+)?")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TooBig(Exception):  # noqa: N818 (a limit reached while walking, turned into a problem)
    pass


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_nodes: int = 1_000_000
    expansion: int = 10  # expanded nodes per node written (aliases)
    max_text: int = 256  # characters of one text value, unless a field says otherwise


# Unicode's control characters (category Cc is exactly these two ranges) and the bidi
# embeddings, overrides and isolates, which reorder what a terminal or a label shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class NotTextError(ValueError):
    """A file whose bytes are not the text they should be: `problem` is its `file:line: …`."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


SAVE_AS_UTF8 = "save it as UTF-8 (Excel: Save As > CSV UTF-8; WPS or Notepad: encoding UTF-8)"


def decode(path: object, data: bytes, encoding: str | None = None, *, gb18030_hint: str = "") -> str:
    """A file's text: UTF-8 (with or without a BOM), UTF-16 with a BOM, or `encoding`.

    Bytes that are not UTF-8 get the line and column they are on and, when the file reads as
    GB18030 (what Excel, WPS and Notepad save on a Chinese Windows), say so; `gb18030_hint` is
    how this kind of file can be read as it is (an import's `--encoding gb18030`).
    """
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise NotTextError(f"{path}:1: unknown encoding {encoding!r} (try utf-8 or gb18030)") from None
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise NotTextError(f"{path}:{line}: byte {data[exc.start]:#04x} is not {encoding}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotTextError(f"{path}:1: the file starts as UTF-16 but is not: {exc.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = SAVE_AS_UTF8
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            guess = "it is not UTF-8"
        else:
            guess = "the file looks like GBK/GB18030 (Chinese Windows), not UTF-8"
            hint += f", {gb18030_hint}" if gb18030_hint else ""
        raise NotTextError(f"{path}:{line}: byte {data[exc.start]:#04x} at column {column}: {guess}; {hint}") from None


def control_characters(text: str) -> list[str]:
    """The control characters in `text` (C0, C1, DEL; also bidi overrides, which reorder text on screen)."""
    return _CONTROL.findall(text) if _CONTROL.search(text) else []


def printable(text: str) -> str:
    """`text` safe to print on a terminal: each control character shown as its escape."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def describe_controls(found: list[str]) -> str:
    return ", ".join(sorted({f"U+{ord(ch):04X}" for ch in found}))


def _count(node: yaml.Node) -> int:
    """Nodes as written: each node once, however many aliases point at it."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return len(seen)


class Reader:
    """Takes values out of a composed node tree, collecting `path:line: problem` lines."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.problems: list[str] = []
        self._budget = limits.max_nodes

    # -- the file ---------------------------------------------------------------------------
    def compose(self, text: str, stream: Any = None) -> yaml.Node | None:
        """The file's root node, or None (with the problem recorded).  `stream`: the same text
        through a reader that reports progress."""
        if len(text.encode("utf-8", "surrogatepass")) > self.limits.max_bytes:
            self.problems.append(f"{self.path}:1: the file is larger than {self.limits.max_bytes:,} bytes, "
                                 "more than this kind of file should ever need")
            return None
        try:
            root = yaml.compose(stream if stream is not None else text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else 1
            what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.problems.append(f"{self.path}:{line}: not valid YAML: {what}")
            return None
        if root is None:
            self.problems.append(f"{self.path}:1: the file is empty")
            return None
        written = _count(root)
        self._budget = min(self.limits.max_nodes, max(written * self.limits.expansion, 1000))
        return root

    def visit(self, node: yaml.Node) -> None:
        """Every node the reader takes, aliases counted each time (a billion laughs stops here)."""
        self._budget -= 1
        if self._budget < 0:
            raise TooBig(f"{self.path}:{node.start_mark.line + 1}: aliases (*name) expand this file beyond "
                         f"{self.limits.expansion} times what it holds or {self.limits.max_nodes:,} values; "
                         "write the values out instead")

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")

    # -- structure --------------------------------------------------------------------------
    def mapping(self, node: yaml.Node, what: str, allowed: set[str] | None = None,
                required: frozenset[str] | set[str] = frozenset()) -> dict[str, yaml.Node] | None:
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping (key: value lines), not {_kind(node)}")
            return None
        out: dict[str, yaml.Node] = {}
        first_line: dict[str, int] = {}
        for key, value in node.value:
            self.visit(key)
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                self.problem(key, f"{what}: keys must be plain words")
                continue
            name = str(key.value)
            if name in out:
                self.problem(key, f"{what}: {name!r} appears twice (first on line {first_line[name]}); keep one")
                continue
            out[name] = value
            first_line[name] = key.start_mark.line + 1
        if allowed is not None:
            for name in sorted(set(out) - allowed):
                close = _closest(name, allowed)
                hint = f"; did you mean {close!r}?" if close else f" (known: {', '.join(sorted(allowed))})"
                key_node = next(k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value == name)
                self.problem(key_node, f"{what}: unknown key {name!r}{hint}")
        for name in sorted(required - set(out)):
            self.problem(node, f"{what}: missing {name!r}")
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, not {_kind(node)}")
            return []
        return list(node.value)

    def items(self, node: yaml.Node, what: str) -> Iterator[yaml.Node]:
        for item in self.sequence(node, what):
            self.visit(item)
            yield item

    # -- values -----------------------------------------------------------------------------
    def text(self, node: yaml.Node, what: str, *, max_length: int | None = None, required: bool = True) -> str | None:
        """A scalar as written; YAML's null (`~`, `null`, nothing) is missing."""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, not {_kind(node)}")
            return None
        if node.tag == "tag:yaml.org,2002:null" and node.style is None:
            if required:
                self.problem(node, f"{what} is empty")
            return None
        value = str(node.value)
        if not value.strip():
            if required:
                self.problem(node, f"{what} is empty")
            return None
        limit = max_length or self.limits.max_text
        if len(value) > limit:
            self.problem(node, f"{what} is {len(value):,} characters long; at most {limit} are allowed")
            return None
        controls = control_characters(value)
        if controls:
            self.problem(node, f"{what} contains control characters ({describe_controls(controls)}); remove them")
            return None
        return value.strip()

    def integer(self, node: yaml.Node, what: str, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
        """Plain decimal digits only: `010`, `0x10`, `+1`, `1_000`, `1:30`, `yes` are refused."""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be a whole number, not {_kind(node)}")
            return None
        raw = str(node.value).strip()
        if not _DECIMAL.fullmatch(raw):
            self.problem(node, f"{what} must be a whole number in plain decimal digits (like 12), not {raw!r}")
            return None
        if len(raw) > 12 or not minimum <= int(raw) <= maximum:
            self.problem(node, f"{what} must be from {minimum} to {maximum:,}, not {raw}")
            return None
        return int(raw)

    def number(self, node: yaml.Node, what: str, minimum: float, maximum: float) -> float | None:
        """A plain decimal number (12, 0.5) within [minimum, maximum]: no nan, no inf, no 1e9."""
        self.visit(node)
        raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if not isinstance(node, yaml.ScalarNode) or not _NUMBER.fullmatch(raw):
            self.problem(node, f"{what} must be a number of seconds like 8 or 2.5, not {raw or _kind(node)!r}")
            return None
        value = float(raw)
        if not math.isfinite(value) or not minimum <= value <= maximum:
            self.problem(node, f"{what} must be from {minimum:g} to {maximum:g}, not {raw}")
            return None
        return value


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)


def _closest(name: str, allowed: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.75)
    return found[0] if found else None
