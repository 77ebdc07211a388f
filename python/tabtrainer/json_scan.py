"""A port of src/shared/checkpoint/json-object-scan.ts: the members of one JSON object, listed
without building it, so duplicate keys are refused (json.loads, like JSON.parse, keeps the last)
and entries are counted before any is parsed. Nested values are only delimited; the caller
parses each one it uses with ``parse_json``, which also validates it."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal, Union

JsonKind = Literal["object", "array", "string", "number", "literal"]

NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
LITERALS = {"true", "false", "null"}
SPACE = " \n\r\t"
VALUE_END = re.compile(r"[\s,\]}]")


@dataclass(frozen=True)
class JsonMember:
    key: str
    kind: JsonKind
    start: int
    end: int


@dataclass(frozen=True)
class ScanOk:
    members: list[JsonMember]
    end: int


@dataclass(frozen=True)
class ScanFail:
    reason: Literal["syntax", "duplicate", "too-many"]
    at: int = 0
    key: str = ""


ScanResult = Union[ScanOk, ScanFail]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    """JSON.parse's grammar: NaN and Infinity, which json.loads accepts, are refused."""
    return json.loads(text, parse_constant=_reject_constant)


def skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in SPACE:
        i += 1
    return i


def _string_end(text: str, i: int) -> int:
    i += 1
    while i < len(text):
        c = text[i]
        if c == '"':
            return i + 1
        if ord(c) < 0x20:
            return -1
        i += 2 if c == "\\" else 1
    return -1


def _container_end(text: str, i: int) -> int:
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _string_end(text, i)
            if i < 0:
                return -1
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        i += 1
        if depth == 0:
            return i
    return -1


def _value_at(text: str, i: int) -> tuple[JsonKind, int] | None:
    c = text[i] if i < len(text) else ""
    if c == '"':
        end = _string_end(text, i)
        return None if end < 0 else ("string", end)
    if c in ("{", "["):
        end = _container_end(text, i)
        return None if end < 0 else ("object" if c == "{" else "array", end)
    match = VALUE_END.search(text, i)
    end = match.start() if match else len(text)
    word = text[i:end]
    if NUMBER.fullmatch(word):
        return ("number", end)
    return ("literal", end) if word in LITERALS else None


def _decode_key(text: str, start: int, end: int) -> str | None:
    try:
        key = parse_json(text[start:end])
    except ValueError:
        return None
    return key if isinstance(key, str) else None


def scan_object(text: str, start: int, max_members: int) -> ScanResult:
    """Scans the object whose ``{`` is at text[start]; stops once it has seen max_members + 1."""
    members: list[JsonMember] = []
    seen: set[str] = set()
    i = skip_space(text, start + 1)
    if text[i : i + 1] == "}":
        return ScanOk(members, i + 1)
    while True:
        if text[i : i + 1] != '"':
            return ScanFail("syntax", at=i)
        key_end = _string_end(text, i)
        key = None if key_end < 0 else _decode_key(text, i, key_end)
        if key is None:
            return ScanFail("syntax", at=i)
        if key in seen:
            return ScanFail("duplicate", key=key)
        if len(members) == max_members:
            return ScanFail("too-many")
        seen.add(key)
        i = skip_space(text, key_end)
        if text[i : i + 1] != ":":
            return ScanFail("syntax", at=i)
        i = skip_space(text, i + 1)
        value = _value_at(text, i)
        if value is None:
            return ScanFail("syntax", at=i)
        kind, end = value
        members.append(JsonMember(key, kind, i, end))
        i = skip_space(text, end)
        if text[i : i + 1] == "}":
            return ScanOk(members, i + 1)
        if text[i : i + 1] != ",":
            return ScanFail("syntax", at=i)
        i = skip_space(text, i + 1)


def is_number(x: Any) -> bool:
    """typeof x === 'number' && isFinite(x): bool is an int in Python, and not a number in JS."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


MAX_SAFE_INTEGER = 2**53 - 1


def is_count(x: Any) -> bool:
    """Number.isSafeInteger(x) && x >= 0; JSON.parse reads 5.0 and 5e0 as the integer 5."""
    return is_number(x) and float(x).is_integer() and 0 <= x <= MAX_SAFE_INTEGER


def js_stringify(value: str) -> str:
    """JSON.stringify of a string: only what JSON requires is escaped, the rest kept as is."""
    return json.dumps(value, ensure_ascii=False)


def utf16_length(text: str) -> int:
    """String.prototype.length: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def js_number(x: float | int) -> str:
    """JSON.stringify of a number (ECMAScript Number::toString), so files read the same in both."""
    if isinstance(x, bool):
        raise TypeError("a bool is not a number")
    if isinstance(x, float) and not math.isfinite(x):
        return "null"
    if x == 0:
        return "0"
    if isinstance(x, int) and abs(x) < 10**21:
        return str(x)
    sign = "-" if x < 0 else ""
    mantissa, _, exp_text = repr(abs(float(x))).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + (int(exp_text) if exp_text else 0)
    point -= len(whole + frac) - len((whole + frac).lstrip("0"))
    digits = digits.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        exp = f"e{'+' if e > 0 else '-'}{abs(e)}"
        body = (digits if k == 1 else digits[0] + "." + digits[1:]) + exp
    return sign + body


def js_json(value: Any) -> str:
    """JSON.stringify of a value made of objects, arrays, strings, numbers, booleans and null
    (a non-finite number is null, as in JavaScript)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return js_stringify(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{js_stringify(k)}:{js_json(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")
