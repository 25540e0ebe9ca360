"""The one reader of the platform's data files (wifiops/aos8/*.yaml, parsers/index.yaml): ArubaOS 8 facts kept
as data, each validated by its module's model once and cached there.

A shipped file that does not read or validate is a defect of this package, not of the user's input: the error
names the file and what is wrong with it, so whoever corrects a fact sees where at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from wifiops import datacache
from wifiops.errors import WifiopsError
from wifiops.yamlsource import load_shipped

HOME = Path(__file__).resolve().parent
M = TypeVar("M", bound=BaseModel)


class Fact(BaseModel):
    """A platform data file, or a part of one: a key it does not know is refused (a typo fails at load), and it
    is never changed once read. Its validator is built at its first validation, not at import: a start that
    finds the file kept (wifiops.datacache) never builds it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def path(name: str) -> Path:
    """`name` (as `platform.yaml` or `parsers/index.yaml`) in the platform's folder."""
    return HOME / name


def raw(name: str) -> Any:
    """The YAML of the platform's data file `name`, as read (an empty file reads as None)."""
    where = path(name)
    try:
        return load_shipped(where.read_text(encoding="utf-8"))  # libyaml's loader: read at most commands' start
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WifiopsError(f"{where}: the platform's data file cannot be read ({exc}); reinstall wifiops") from None


def load(name: str, model: type[M]) -> M:
    """The platform's data file `name` validated by `model`: once per install and user, then kept
    (wifiops.datacache) until a file of the platform's folder or a version that read it changes."""
    kind = f"aos8-{name.replace('/', '-').removesuffix('.yaml')}-{model.__name__}"
    return datacache.cached(kind, _signature(), lambda: _validated(name, model), expect=model)


@cache
def _signature() -> str:
    """What a kept file was built from: this folder (data, templates and the models' code), the code it calls
    while validating, and pydantic's version (the pickle holds its models' internals)."""
    import pydantic

    called = [HOME.parent / name for name in ("yamlsource.py", "secrets.py", "errors.py")]
    return f"pydantic {pydantic.VERSION}\n" + datacache.files_signature([*datacache.tree(HOME), *called])


def _validated(name: str, model: type[M]) -> M:
    try:
        return model.model_validate(raw(name))
    except ValidationError as exc:
        raise WifiopsError(f"{path(name)}: not a valid {model.__name__}: {exc}") from None
