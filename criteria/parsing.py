"""Small validators for JSON input: each failure names the field path (classify contract)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from criteria.errors import InvalidFacts

E = TypeVar("E", bound=Enum)

MISSING: Any = object()


def path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def as_object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidFacts(where or "input", "expected an object")
    return value


def reject_unknown(obj: Mapping[str, Any], known: set[str], prefix: str) -> None:
    for key in obj:
        if key not in known:
            raise InvalidFacts(path(prefix, str(key)), "unknown field")


def get_bool(obj: Mapping[str, Any], key: str, prefix: str, default: bool = MISSING) -> bool:
    value = _get(obj, key, prefix, default)
    if not isinstance(value, bool):
        raise InvalidFacts(path(prefix, key), "expected true or false")
    return value


def get_number(
    obj: Mapping[str, Any],
    key: str,
    prefix: str,
    low: float,
    high: float | None,
    default: float | None = MISSING,
) -> float:
    value = _get(obj, key, prefix, default)
    return check_number(value, path(prefix, key), low, high)


def check_number(value: object, where: str, low: float, high: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InvalidFacts(where, "expected a number")
    if value < low or (high is not None and value > high):
        limit = f"{low:g}..{high:g}" if high is not None else f">= {low:g}"
        raise InvalidFacts(where, f"must be within {limit}, got {value!r}")
    return float(value)


def get_int(
    obj: Mapping[str, Any],
    key: str,
    prefix: str,
    low: int,
    high: int | None,
    default: int | None = MISSING,
) -> int:
    value = _get(obj, key, prefix, default)
    return check_int(value, path(prefix, key), low, high)


def check_int(value: object, where: str, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidFacts(where, "expected an integer")
    if value < low or (high is not None and value > high):
        limit = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidFacts(where, f"must be within {limit}, got {value}")
    return value


def get_optional_int(
    obj: Mapping[str, Any], key: str, prefix: str, low: int, high: int | None
) -> int | None:
    value = obj.get(key)
    return None if value is None else check_int(value, path(prefix, key), low, high)


def get_optional_number(
    obj: Mapping[str, Any], key: str, prefix: str, low: float, high: float | None
) -> float | None:
    value = obj.get(key)
    return None if value is None else check_number(value, path(prefix, key), low, high)


def get_str(obj: Mapping[str, Any], key: str, prefix: str, default: str = MISSING) -> str:
    value = _get(obj, key, prefix, default)
    if not isinstance(value, str) or not value.strip():
        raise InvalidFacts(path(prefix, key), "expected a non-empty string")
    return value


def get_enum(
    obj: Mapping[str, Any], key: str, prefix: str, enum: type[E], default: E = MISSING
) -> E:
    value = _get(obj, key, prefix, default)
    return check_enum(value, path(prefix, key), enum)


def check_enum(value: object, where: str, enum: type[E]) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum)
        raise InvalidFacts(where, f"expected one of {allowed}, got {value!r}") from None


def get_list(obj: Mapping[str, Any], key: str, prefix: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidFacts(path(prefix, key), "expected a list")
    return value


def _get(obj: Mapping[str, Any], key: str, prefix: str, default: Any) -> Any:
    if key in obj and obj[key] is not None:
        return obj[key]
    if default is MISSING:
        raise InvalidFacts(path(prefix, key), "required")
    return default
