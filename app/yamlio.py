"""Loading YAML data files into pydantic models with errors that name the file and field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.errors import ResourceError

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: `field.path: message`."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def yaml_problem(error: yaml.YAMLError, first_line: int = 1) -> tuple[int | None, str]:
    """The line a YAML error belongs to, and what is wrong. An unclosed quote or bracket, or
    a key without its colon, is only noticed later (often at the end of the text): the line is
    then the one where that value starts, not where the parser gave up. (A block mapping's
    context is where the whole mapping starts: there the problem's own line is the one.)"""
    problem = getattr(error, "problem", None) or "invalid YAML"
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    problem_mark = getattr(error, "problem_mark", None)
    starts_value = context is not None and any(
        word in context for word in ("scalar", "flow", "simple key")
    )
    mark = context_mark if starts_value and context_mark is not None else problem_mark
    if mark is None:
        return None, str(problem)
    line = mark.line + first_line
    reason = f"{context}: {problem}" if starts_value else str(problem)
    if problem_mark is not None and mark is not problem_mark:
        reason += f" (noticed on line {problem_mark.line + first_line})"
    return line, reason


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse one YAML file as `model`; any problem raises ResourceError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{path}: cannot read ({exc})") from exc
    except yaml.YAMLError as exc:
        line, reason = yaml_problem(exc)
        where = f" line {line}" if line else ""
        raise ResourceError(f"{path}:{where} is not valid YAML ({reason})") from exc
    if not isinstance(data, dict):
        raise ResourceError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ResourceError(f"{path}: {describe_validation_error(exc)}") from exc
