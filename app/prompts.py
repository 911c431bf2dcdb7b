"""Prompt templates (prompts/*.yaml), validated on load: known keys, known variables only."""

from __future__ import annotations

import string
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from app.errors import ResourceError
from app.yamlio import load_yaml_model

VARIABLES = {
    "system": set(),
    "user": {
        "title",
        "title_full",
        "goals",
        "problems",
        "vocabulary",
        "avoid",
        "product",
        "copy",
        "features",
        "evidence",
        "jargon",
    },
    "revise": {"problems", "draft"},
    "naive": {"title", "copy"},
}
REQUIRED = {
    "user": {"features", "evidence", "title", "goals"},
    "revise": {"problems", "draft"},
    "naive": {"copy", "title"},
}


class RewritePrompts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    user: str
    revise: str
    naive: str


def template_variables(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def load_prompts(path: Path) -> RewritePrompts:
    prompts = load_yaml_model(path, RewritePrompts)
    for name, allowed in VARIABLES.items():
        template = getattr(prompts, name)
        try:
            used = template_variables(template)
        except ValueError as exc:
            raise ResourceError(f"{path}: {name}: bad template ({exc})") from exc
        unknown = used - allowed
        missing = REQUIRED.get(name, set()) - used
        if unknown:
            raise ResourceError(f"{path}: {name}: unknown variables {sorted(unknown)}")
        if missing:
            raise ResourceError(f"{path}: {name}: missing variables {sorted(missing)}")
    return prompts
