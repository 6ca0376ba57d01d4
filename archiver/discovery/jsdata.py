"""Page data written as a JavaScript literal rather than JSON, read into Python values.

Many publishers' pages carry their state as JavaScript that is not JSON: keys without quotes,
single-quoted strings, `!0`, `void 0`; and Nuxt 2's payload is a function called with the
page's repeated values as its arguments, so a post's component reads `{is: y, props: {id:
"1397…"}}` with `y` bound to `"tweet"` at the call's end:

    window.__NUXT__ = (function(a, b, y) { a.model = [...]; return {data: [{...}]} }(1, "x", "tweet"));

`read` turns such a script into plain dicts, lists and strings (the arguments bound in), so the
same readers as for JSON (named.py) see the posts it names. It is tolerant, not a JavaScript
parser: what it cannot read (a function, `new Date(...)`, a call) becomes None and the rest is
kept. Its work is bounded by the text's length and MAX_DEPTH.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

MAX_DEPTH = 200
MAX_TOKENS = 100_000  # tokens one reader reads of a script: a page's data, not a whole JavaScript bundle
# `x = (function(a, b) {`: Nuxt 2's payload and its kind (a function called where it is written).
_CALLED = re.compile(r"=\s*\(\s*function\s*\(([\w$,\s]*)\)\s*\{")
_ASSIGNED = re.compile(r"^[\w$.\[\]\"']+\s*=\s*(?=[{\[])")
_TOKEN = re.compile(
    r"""\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\$]|\\.)*`)"""  # a string
    r"""|(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"""  # a number
    r"""|([A-Za-z_$][\w$]*)"""  # a name
    r"""|(\.\.\.|[^\s]))""",  # a punctuator
    re.S,
)
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None}
_UNKNOWN = object()  # a value read past: a function, a call, an expression


class _Stop(Exception):
    """The text ends or nests too deep: what was read so far is kept."""


def read(text: str) -> Any:
    """The value a script's JavaScript literal holds: the return of Nuxt 2's called function
    (with its parameters bound to its arguments and its `a.b = ...` statements applied), or the
    object literal assigned in it (`window.__STATE__ = {...}`); None when there is none."""
    text = text.strip().rstrip(";")
    called = _CALLED.search(text, 0, 500)
    if called is not None:
        return _read_called(text, called)
    assigned = _ASSIGNED.match(text)
    start = assigned.end() if assigned is not None else 0
    if text[start : start + 1] not in ("{", "["):
        return None
    return _value_or_none(_Reader(text, start, {}))


def _read_called(text: str, called: re.Match[str]) -> Any:
    params = [p.strip() for p in called.group(1).split(",") if p.strip()]
    body = _Reader(text, called.end(), {})
    try:
        body.skip_block()  # to the function's closing brace, where its arguments follow
    except _Stop:
        return None
    args = _Reader(text, body.at, {})
    if args.peek() == ")":
        args.take()
    if args.peek() != "(":
        return None
    args.take()
    values: list[Any] = []
    try:
        while args.peek() not in (")", ""):
            values.append(args.value(0))
            if args.peek() == ",":
                args.take()
    except _Stop:
        pass
    bindings = dict(zip(params, values, strict=False))
    statements = _Reader(text, called.end(), bindings)
    return _value_or_none_in_body(statements)


def _value_or_none(reader: _Reader) -> Any:
    try:
        value = reader.value(0)
    except _Stop:
        return None
    return None if value is _UNKNOWN else value


def _value_or_none_in_body(reader: _Reader) -> Any:
    """Run the function body's `a.b = value;` statements, then read what it returns."""
    try:
        while reader.peek() not in ("}", ""):
            word = reader.peek()
            if word == "return":
                reader.take()
                value = reader.value(0)
                return None if value is _UNKNOWN else value
            reader.statement()
    except _Stop:
        return None
    return None


class _Reader:
    def __init__(self, text: str, at: int, bindings: dict[str, Any]) -> None:
        self.text = text
        self.at = at
        self.bindings = bindings
        self._next: tuple[str, int] | None = None
        self.budget = MAX_TOKENS

    def _scan(self) -> tuple[str, int]:
        self.budget -= 1
        if self.budget < 0:
            raise _Stop
        m = _TOKEN.match(self.text, self.at)
        if m is None:
            return "", len(self.text)
        return m.group(0).strip(), m.end()

    def peek(self) -> str:
        if self._next is None:
            self._next = self._scan()
        return self._next[0]

    def take(self) -> str:
        token = self.peek()
        assert self._next is not None
        self.at = self._next[1]
        self._next = None
        return token

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Stop
        token = self.take()
        if token == "":
            raise _Stop
        if token == "{":
            return self._object(depth)
        if token == "[":
            return self._array(depth)
        if token[0] in "\"'`":
            return self._more(unescape(token[1:-1]), depth)
        if token in ("!", "-", "+") and self.peek() not in ("", ",", "}", "]", ")"):
            operand = self.value(depth + 1)
            if token == "!" and isinstance(operand, (int, float)):
                return not operand
            return _UNKNOWN
        if token[0].isdigit() or token[0] in "-.":
            return self._more(_number(token), depth)
        if token == "void":
            self.value(depth + 1)
            return None
        if token in ("function", "new", "async") or token == "(":
            self._skip_expression(depth, opened=token == "(")
            return _UNKNOWN
        if token in _CONSTANTS:
            return self._more(_CONSTANTS[token], depth)
        if token[0].isalpha() or token[0] in "_$":
            value = self.bindings.get(token, _UNKNOWN)
            return self._more(value, depth)
        return _UNKNOWN

    def _more(self, value: Any, depth: int) -> Any:
        """A value followed by more expression (a call, a member, an operator): unknown."""
        if self.peek() in ("", ",", "}", "]", ")", ";", ":"):
            return value
        self._skip_expression(depth, opened=False)
        return _UNKNOWN

    def _object(self, depth: int) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        while True:
            token = self.take()
            if token in ("}", ""):
                if token == "":
                    raise _Stop
                return obj
            if token == ",":
                continue
            if token == "...":
                self.value(depth + 1)
                continue
            if token == "[":  # a computed key: read past it
                self._skip_expression(depth, opened=True, closer="]")
                key = None
            else:
                key = unescape(token[1:-1]) if token[0] in "\"'`" else token
            if self.peek() != ":":
                if key is not None and key in self.bindings:
                    obj[key] = self.bindings[key]  # shorthand {a}
                elif self.peek() == "(":  # a method: read past it
                    self._skip_expression(depth, opened=False)
                continue
            self.take()
            value = self.value(depth + 1)
            if key is not None and value is not _UNKNOWN:
                obj[key] = value

    def _array(self, depth: int) -> list[Any]:
        items: list[Any] = []
        while True:
            if self.peek() == "]":
                self.take()
                return items
            if self.peek() == ",":
                self.take()
                continue
            value = self.value(depth + 1)
            items.append(None if value is _UNKNOWN else value)

    def _skip_expression(self, depth: int, opened: bool, closer: str = "") -> None:
        """Read past the rest of an expression: to a comma or closer at its own level."""
        level = 1 if opened else 0
        while True:
            token = self.peek()
            if token == "":
                raise _Stop
            if level == 0 and token in (",", "}", "]", ")", ";"):
                return
            self.take()
            if token in ("(", "[", "{"):
                level += 1
            elif token in (")", "]", "}"):
                level -= 1
                if level == 0 and opened:
                    return

    def skip_block(self) -> None:
        """Read past a `{...}` block whose `{` was just read."""
        level = 1
        while level:
            token = self.take()
            if token == "":
                raise _Stop
            if token == "{":
                level += 1
            elif token == "}":
                level -= 1

    def statement(self) -> None:
        """One statement of a function body: `a.b = value;` is applied to the bound `a`
        (Nuxt 2 sets shared objects so); any other is read past."""
        target = self.take()
        path: list[str] = []
        while self.peek() == ".":
            self.take()
            path.append(self.take())
        if path and self.peek() == "=" and isinstance(self.bindings.get(target), dict):
            self.take()
            value = self.value(0)
            owner = self.bindings[target]
            for key in path[:-1]:
                owner = owner.setdefault(key, {}) if isinstance(owner, dict) else {}
            if isinstance(owner, dict) and value is not _UNKNOWN:
                owner[path[-1]] = value
        else:
            self._skip_expression(0, opened=False)
            if self.peek() in ("}", ")", "]"):  # a stray closer ends nothing here
                self.take()
        if self.peek() == ";":
            self.take()


# One escape of a JavaScript string literal: \u{1F600}, \uXXXX, \xXX, a line continuation, \c.
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def unescape(raw: str) -> str:
    """A JavaScript string literal's text (between its quotes or backticks) with its escapes
    undone."""
    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        pass

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if len(code) > 1 and code[0] in "ux":
            return chr(min(int(code[1:].strip("{}"), 16), 0x10FFFF))
        if code in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
            return ""  # a line continuation
        return _SIMPLE_ESCAPES.get(code, code)

    text = _ESCAPE.sub(one, raw)
    # \uD83D\uDE00 came out as two halves of a surrogate pair: join them
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _number(token: str) -> int | float | Any:
    try:
        return int(token)
    except ValueError:
        try:
            return float(token)
        except ValueError:
            return _UNKNOWN


# `twttr.widgets.createTweet(`, `new YT.Player(`: a call whose callee is a dotted name.
_CALL = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.){0,4}[A-Za-z_$][\w$]*)\s*\(")
MAX_CALLS = 50


def calls(text: str, named: Callable[[str], bool]) -> Iterator[dict[str, Any]]:
    """The calls in a script whose callee `named` says names a platform (the platforms' own
    JavaScript APIs: `new YT.Player("el", {videoId: "..."})`, `twttr.widgets.createTweet("20",
    el)`), each as one object: the callee's parts under `callee0`, `callee1`... (type-like keys,
    so named.py reads the platform they state), its first string argument under `id`, and the
    keys of its object arguments; at most MAX_CALLS."""
    seen = 0
    naming: dict[str, bool] = {}  # callee -> does it name a platform (minified code repeats a few)
    for m in _CALL.finditer(text):
        callee = m.group(1)
        if callee not in naming:
            naming[callee] = len(callee) > 1 and any(named(part) for part in callee.split("."))
        if not naming[callee]:
            continue
        parts = callee.split(".")
        seen += 1
        if seen > MAX_CALLS:
            return
        reader = _Reader(text, m.end(), {})
        found: dict[str, Any] = {f"callee{i}": part for i, part in enumerate(parts)}
        try:
            while reader.peek() not in (")", ""):
                value = reader.value(0)
                if isinstance(value, str) and "id" not in found:
                    found["id"] = value
                elif isinstance(value, dict):
                    found.update((k, v) for k, v in value.items() if not k.startswith("callee"))
                if reader.peek() == ",":
                    reader.take()
                elif reader.peek() != ")":
                    break
        except _Stop:
            pass
        if len(found) > len(parts):
            yield found
