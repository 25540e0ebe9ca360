"""The base of every model of the inventory: unknown keys refused, values frozen, validators built at first
use (a command that reads one file does not pay for the whole schema)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    # A field's docstring, the string under it, says what it means: the reference pages show it (docs/).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
