"""The supervision tests' helpers: the ones the statistics tests share are in tests/watched.py."""

from __future__ import annotations

from watched import Clock, Watched, write_config

__all__ = ["Clock", "Watched", "write_config"]
