"""Task `render`: the intended configuration of every configuration node, one template per feature.

It runs on the host that holds the configuration hierarchy (the conductor MM) and returns
{node path: {feature: rendered text}}. Each template is rendered by nornir_jinja2's `template_file`
subtask with the engine's environment (StrictUndefined, the `secret` and `rate` filters).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment
from nornir.core.task import Result, Task
from nornir_jinja2.plugins.tasks import template_file


def render(task: Task, *, views: Sequence[Any], features: Sequence[str], path: Path,
           env: Environment) -> Result:
    rendered: dict[str, dict[str, str]] = {}
    for view in views:
        context = view.context()
        for feature in features:
            text = task.run(task=template_file, name=f"{view.path} {feature}", template=f"{feature}.j2",
                            path=str(path), jinja_env=env, **context).result
            rendered.setdefault(view.path, {})[feature] = text
    return Result(host=task.host, result=rendered)
