"""The native module: linting in Rust. Use the functions of ``idplint``,
which turn these dictionaries into dataclasses."""

import os
import pathlib
from typing import Any, Dict, List, Optional, Tuple, Union

__version__: str
KINDS: Tuple[str, ...]
PROTOCOLS: Tuple[str, ...]

class IdplintError(ValueError):
    """Input idplint cannot lint: an unknown kind or protocol, a file that
    cannot be read, a body that is not text, or an invalid configuration."""

class Config:
    """An ``idplint.toml`` configuration and the linter built from it, once."""

    @staticmethod
    def from_str(text: str, *, root: Optional[Union[str, os.PathLike[str]]] = None) -> Config:
        """The configuration in ``text``; its globs are relative to ``root``
        (default: the current directory)."""
    @staticmethod
    def from_path(path: Union[str, os.PathLike[str]]) -> Config:
        """The configuration file at ``path``; its globs are relative to its
        directory."""
    @property
    def path(self) -> Optional[pathlib.Path]:
        """The configuration file's path, when it was read from one."""

def lint(
    body: Union[str, bytes],
    *,
    filename: str = "payload.json",
    kind: Optional[str] = None,
    protocol: Optional[str] = None,
    config: Optional[Config] = None,
) -> Dict[str, Any]: ...
def lint_file(
    path: Union[str, os.PathLike[str]],
    *,
    kind: Optional[str] = None,
    protocol: Optional[str] = None,
    config: Optional[Config] = None,
) -> Dict[str, Any]: ...
def rules() -> List[Dict[str, Any]]: ...
