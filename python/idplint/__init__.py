"""Lint identity-provider payloads (Qlik Cloud, IONOS Cloud IAM federation)
before they are sent.

>>> import idplint
>>> report = idplint.lint({"protocol": "oidc", "provider": "okta"}, kind="qlik.create")
>>> [(d.code, d.pointer, d.line) for d in report.diagnostics]
[('IDP101', '/protocol', 2)]
>>> report.has_errors
True

Linting runs in native code with the interpreter lock released; the
linter of each configuration is built once and reused, so a call in a
loop costs the linting alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

from . import _idplint
from ._idplint import KINDS, PROTOCOLS, Config, IdplintError

__all__ = [
    "Config",
    "Diagnostic",
    "IdplintError",
    "KINDS",
    "PROTOCOLS",
    "Report",
    "Rule",
    "__version__",
    "lint",
    "lint_file",
    "rules",
]

__version__: str = _idplint.__version__

Severity = Literal["error", "warning", "info"]
Body = Union[str, bytes, bytearray, memoryview, Dict[str, Any], List[Any]]


@dataclass(frozen=True)
class Diagnostic:
    """One finding, placed in the text that was linted.

    ``line`` and ``column`` are 1-based, columns counted in characters;
    ``end_line``/``end_column`` are exclusive. ``offset`` and ``length`` are
    bytes of the UTF-8 text. ``pointer`` is the RFC 6901 JSON pointer the
    finding is about (in a container, a pointer into the body of the
    request numbered ``request``, from 0). Secret values (``clientSecret``,
    private keys) never appear in ``message`` or ``help``.
    """

    code: str
    name: str
    severity: Severity
    message: str
    help: Optional[str]
    pointer: str
    line: int
    column: int
    end_line: int
    end_column: int
    offset: int
    length: int
    fixable: bool
    request: Optional[int] = None


@dataclass(frozen=True)
class Report:
    """What linting one body or file found.

    ``kind`` is the kind given or recognised (``None`` when the text is no
    identity-provider payload); ``skipped`` says why nothing was linted, or
    is ``None``; ``container`` names the format of a file holding requests
    (``markdown``, ``shell``, ``http``, ``postman``, ...) and ``payloads``
    counts the bodies linted in it.
    """

    path: str
    kind: Optional[str]
    skipped: Optional[str]
    diagnostics: Tuple[Diagnostic, ...]
    container: Optional[str] = None
    payloads: int = 0

    @property
    def has_errors(self) -> bool:
        """True when a finding is an error: the API would refuse the body."""
        return any(d.severity == "error" for d in self.diagnostics)


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue: its code, name, default severity, the kinds
    it checks, its summary line and its whole manual."""

    code: str
    name: str
    severity: Severity
    kinds: Tuple[str, ...]
    summary: str
    docs: str


def lint(
    body: Body,
    *,
    kind: Optional[str] = None,
    filename: str = "payload.json",
    protocol: Optional[str] = None,
    config: Optional[Config] = None,
) -> Report:
    """Lint a request body held in memory.

    ``body`` is the JSON text (``str``, or ``bytes`` that may hold invalid
    UTF-8) or a ``dict``/``list``, which is serialised with
    ``json.dumps(body, indent=2)``: the lines and columns of its findings
    refer to that text. Text that is not valid JSON is a report with an
    IDP001 finding, not an exception.

    ``kind`` is one of :data:`KINDS` (``qlik.create``, ``qlik.patch``,
    ``ionos.create``, ``ionos.ensure``); ``None`` recognises it from the
    body's shape. ``protocol`` (one of :data:`PROTOCOLS`) is the protocol of
    the IdP a ``qlik.patch`` targets. ``filename`` names the body in the
    report, and its extension makes it a container (``.md``, ``.sh``,
    ``.http``, ``.postman_collection.json``). ``config`` applies an
    ``idplint.toml``'s rule settings, kinds and variables.

    Raises :class:`IdplintError` for an unknown kind or protocol, or a body
    of another type.
    """
    text = _as_text(body)
    return _report(
        _idplint.lint(
            text, filename=filename, kind=kind, protocol=protocol, config=config
        )
    )


def lint_file(
    path: Union[str, "os.PathLike[str]"],
    *,
    kind: Optional[str] = None,
    protocol: Optional[str] = None,
    config: Optional[Config] = None,
) -> Report:
    """Lint the file at ``path``: a JSON payload, or a container whose
    requests' bodies are linted (Markdown, shell and PowerShell scripts,
    ``.http`` files, Postman collections, told by the file's name).

    Raises :class:`IdplintError` when the file cannot be read, or for an
    unknown kind or protocol.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise IdplintError(f"the path must be str or os.PathLike, not {type(path).__name__}")
    return _report(
        _idplint.lint_file(path, kind=kind, protocol=protocol, config=config)
    )


def rules() -> Tuple[Rule, ...]:
    """The rule catalogue, in code order."""
    return tuple(
        Rule(**{**entry, "kinds": tuple(entry["kinds"])}) for entry in _idplint.rules()
    )


def _as_text(body: Any) -> Union[str, bytes]:
    if isinstance(body, (str, bytes)):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, (dict, list)):
        try:
            return json.dumps(body, indent=2, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise IdplintError(f"the body cannot be written as JSON: {e}") from e
    raise IdplintError(
        f"the body must be str, bytes, dict or list, not {type(body).__name__}"
    )


def _report(raw: Dict[str, Any]) -> Report:
    diagnostics = tuple(Diagnostic(**d) for d in raw.pop("diagnostics"))
    return Report(diagnostics=diagnostics, **raw)
