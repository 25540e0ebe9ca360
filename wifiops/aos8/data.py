"""The one reader of the platform's data files (wifiops/aos8/*.yaml, parsers/index.yaml): ArubaOS 8 facts kept
as data, each validated by its module's model once and cached there.

A shipped file that does not read or validate is a defect of this package, not of the user's input: the error
names the file and what is wrong with it, so whoever corrects a fact sees where at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from wifiops.errors import WifiopsError
from wifiops.yamlsource import load_shipped

HOME = Path(__file__).resolve().parent
M = TypeVar("M", bound=BaseModel)


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
    """The platform's data file `name` validated by `model`."""
    try:
        return model.model_validate(raw(name))
    except ValidationError as exc:
        raise WifiopsError(f"{path(name)}: not a valid {model.__name__}: {exc}") from None
