"""The reason attached to every decision, so a user sees the rule and its source in one step.

A reason's text and its citation are messages: a Vietnamese template marked with `N_` (so
`make translations-update` extracts it into the catalog) and its parameters, raw numbers, levels
and nested messages. The application translates the template and formats the parameters in the
page's language; `text` and `source` are the Vietnamese rendering, for the command line, the
contract and the Vietnamese pages (issue 16 §1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from criteria.levels import DisciplineForm, Level, Title


def N_(message: str) -> str:  # noqa: N802 — the name gettext's tools look for
    """Mark a rulebook template for extraction; the application translates it when it renders."""
    return message


@dataclass(frozen=True)
class Percent:
    """A share written with its percent sign: 12,5% (digits: decimals at most)."""

    value: float
    digits: int = 1


@dataclass(frozen=True)
class Lower:
    """A name (a discipline form) written in lower case inside a sentence."""

    value: Param


@dataclass(frozen=True)
class Joined:
    """Parts of one sentence (causes, grounds), each a message, joined by punctuation."""

    parts: tuple[Param, ...]
    sep: str = "; "


@dataclass(frozen=True)
class Message:
    """A template (its own message key) and its parameters; `capitalise` for a sentence that
    starts with a parameter."""

    key: str
    params: tuple[tuple[str, Param], ...] = ()
    capitalise: bool = False

    @property
    def values(self) -> dict[str, Param]:
        return dict(self.params)

    def __str__(self) -> str:
        """The Vietnamese text: a message printed where no language is chosen reads as today."""
        return vietnamese(self)


Param = Union[str, int, float, Percent, Lower, Joined, Message, Enum]  # noqa: UP007


def message(key: str, *, capitalise: bool = False, **params: Param) -> Message:
    return Message(key, tuple(sorted(params.items())), capitalise)


def joined(parts: list[Message] | tuple[Message, ...], sep: str = "; ") -> Joined:
    return Joined(tuple(parts), sep)


@dataclass(frozen=True)
class Style:
    """How one language writes a message: its catalog and its numbers and names."""

    translate: Callable[[str], str]
    number: Callable[[float], str]
    percent: Callable[[float, int], str]
    label: Callable[[Enum], str]


def render(param: Param, style: Style) -> str:
    """A parameter or a whole message as text in `style`'s language."""
    if isinstance(param, Message):
        values = {name: render(value, style) for name, value in param.params}
        text = style.translate(param.key) % values
        return text[:1].upper() + text[1:] if param.capitalise else text
    if isinstance(param, Joined):
        return param.sep.join(render(part, style) for part in param.parts)
    if isinstance(param, Percent):
        return style.percent(param.value, param.digits)
    if isinstance(param, Lower):
        return render(param.value, style).lower()
    if isinstance(param, Enum):
        return style.label(param)
    if isinstance(param, str):
        return param
    return style.number(param)


def percent(value: float, digits: int = 1) -> str:
    """Vietnamese number formatting for texts: 12,5% (comma as decimal separator)."""
    text = f"{value:.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _label(value: Enum) -> str:
    return str(getattr(value, "label", value.value))


VIETNAMESE = Style(translate=lambda key: key, number=number, percent=percent, label=_label)


def vietnamese(param: Param) -> str:
    """The Vietnamese text, as the rulebook writes it (the templates are Vietnamese)."""
    return render(param, VIETNAMESE)


# Stored reasons (a decision's snapshot, JSON) keep their messages: encoded, then decoded by name.
_ENUMS: dict[str, type[Enum]] = {
    "level": Level,
    "discipline_form": DisciplineForm,
    "title": Title,
}


def encode(param: Param) -> Any:
    """A parameter as JSON, so a stored reason can be rendered again in any language."""
    if isinstance(param, Message):
        params = {name: encode(value) for name, value in param.params}
        return {"key": param.key, "params": params, "capitalise": param.capitalise}
    if isinstance(param, Joined):
        return {"join": [encode(part) for part in param.parts], "sep": param.sep}
    if isinstance(param, Percent):
        return {"percent": param.value, "digits": param.digits}
    if isinstance(param, Lower):
        return {"lower": encode(param.value)}
    if isinstance(param, Enum):
        kind = next(name for name, cls in _ENUMS.items() if isinstance(param, cls))
        return {"enum": kind, "value": param.value}
    if isinstance(param, int | str):
        return param
    return float(param)  # a Decimal from the database stores as a JSON number


def decode(data: Any) -> Param:
    """The inverse of `encode`; raises ValueError/KeyError/TypeError on a foreign shape."""
    if isinstance(data, Mapping):
        if "key" in data:
            params = tuple(sorted((k, decode(v)) for k, v in data["params"].items()))
            return Message(str(data["key"]), params, bool(data.get("capitalise")))
        if "join" in data:
            return Joined(tuple(decode(part) for part in data["join"]), str(data["sep"]))
        if "percent" in data:
            return Percent(float(data["percent"]), int(data["digits"]))
        if "lower" in data:
            return Lower(decode(data["lower"]))
        if "enum" in data:
            return _ENUMS[data["enum"]](data["value"])
        raise ValueError(f"not a stored message: {data!r}")
    if isinstance(data, str | int | float):
        return data
    raise TypeError(f"not a stored message parameter: {data!r}")


@dataclass(frozen=True)
class Reason:
    """One rule that fired: identifier (rules.md), legal citation and explanation, as messages."""

    rule: str
    citation: Message
    message: Message

    @property
    def source(self) -> str:
        return vietnamese(self.citation)

    @property
    def text(self) -> str:
        return vietnamese(self.message)

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def params(self) -> dict[str, Param]:
        return self.message.values

    @property
    def source_key(self) -> str:
        return self.citation.key

    @property
    def source_params(self) -> dict[str, Param]:
        return self.citation.values

    def to_dict(self) -> dict[str, str]:
        """The contract's form (classify-contract.md): rule, source and text, in Vietnamese."""
        return {"rule": self.rule, "source": self.source, "text": self.text}

    def to_record(self) -> dict[str, Any]:
        """`to_dict` and the messages, for a snapshot that renders in any language later."""
        return self.to_dict() | {"message": encode(self.message), "citation": encode(self.citation)}


@dataclass(frozen=True)
class Verdict:
    """A rule's conclusion: the level it sets (or caps to) and why."""

    level: Level
    reason: Reason
