"""Executive title profiles (corpora/titles/*.yaml) and resolving what a user types to one."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from app.domain import TitleProfile
from app.errors import InvalidInputError, ResourceError, UnknownTitleError
from app.yamlio import load_yaml_model

MAX_TITLE_CHARS = 100  # as the API and `primed rewrite` accept


def normalize_title(text: str) -> str:
    """'VP of Sales' -> 'vp sales'; 'Head of Finance (CFO)' -> 'head finance cfo'."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(w for w in words if w not in {"of", "the", "and"})


class TitleRegistry:
    """All known title profiles, addressable by id, name, full name or alias."""

    def __init__(self, profiles: list[TitleProfile]) -> None:
        if not profiles:
            raise ResourceError("no title profiles loaded")
        self._profiles = {p.id: p for p in profiles}
        self._index: dict[str, str] = {}
        for profile in profiles:
            for label in (profile.id, profile.name, profile.full_name, *profile.aliases):
                key = normalize_title(label)
                owner = self._index.setdefault(key, profile.id)
                if owner != profile.id:
                    raise ResourceError(
                        f"title alias '{label}' belongs to both {owner} and {profile.id}"
                    )

    @classmethod
    def from_dir(cls, directory: Path) -> TitleRegistry:
        files = sorted(directory.glob("*.yaml"))
        if not files:
            raise ResourceError(f"no title profiles (*.yaml) in {directory}")
        profiles = []
        for path in files:
            profile = load_yaml_model(path, TitleProfile)
            if profile.id != path.stem:
                raise ResourceError(f"{path}: id '{profile.id}' must match the file name")
            _check_references(path, profile)
            profiles.append(profile)
        return cls(profiles)

    def __iter__(self) -> Iterator[TitleProfile]:
        return iter(self._profiles.values())

    def __len__(self) -> int:
        return len(self._profiles)

    @property
    def ids(self) -> list[str]:
        return list(self._profiles)

    def get_many(self, titles: list[str], field: str = "titles") -> list[TitleProfile]:
        """The profiles for several titles or aliases, each once, in the order given
        ("CFO" and "Finance Director" are one title). A blank or unknown entry is an error
        naming it (`titles.1`): a list with a blank is a mistake, never fewer titles."""
        found = []
        for index, title in enumerate(titles):
            where = f"{field}.{index}"
            if not title.strip():
                raise InvalidInputError(
                    f"title {index + 1} is blank (run `primed titles` for the list)", field=where
                )
            try:
                found.append(self.get(title))
            except InvalidInputError as error:
                error.field = where
                raise
        return list({p.id: p for p in found}.values())

    def get(self, title: str) -> TitleProfile:
        """The profile for `title` (id, name or alias, any case); else UnknownTitleError."""
        if len(title) > MAX_TITLE_CHARS:
            raise InvalidInputError(
                f"the title is {len(title):,} characters; the limit is {MAX_TITLE_CHARS} "
                "(run `primed titles` for the list)",
                field="title",
            )
        key = normalize_title(title)
        profile_id = self._index.get(key)
        if profile_id is None:
            raise UnknownTitleError(title, self.suggest(title))
        return self._profiles[profile_id]

    def suggest(self, title: str, limit: int = 3) -> list[str]:
        key = normalize_title(title)
        close = difflib.get_close_matches(key, list(self._index), n=10, cutoff=0.5)
        # Ties in similarity go to the label sharing the longest prefix ("CFOO" -> CFO, not COO).
        close.sort(
            key=lambda label: (
                -round(difflib.SequenceMatcher(None, key, label).ratio(), 3),
                -len(os.path.commonprefix([key, label])),
            )
        )
        names: list[str] = []
        for label in close:
            name = self._profiles[self._index[label]].name
            if name not in names:
                names.append(name)
        return names[:limit]


def _check_references(path: Path, profile: TitleProfile) -> None:
    goal_ids = {goal.id for goal in profile.goals}
    for problem in profile.problems:
        if problem.blocks not in goal_ids:
            raise ResourceError(
                f"{path}: problem '{problem.id}' blocks unknown goal '{problem.blocks}'"
            )
    for need in profile.needs:
        if need.serves not in goal_ids:
            raise ResourceError(f"{path}: need '{need.id}' serves unknown goal '{need.serves}'")
    # The messaging kit asks diagnostic questions and paints a scenario for every goal.
    for goal in profile.goals:
        if not any(p.blocks == goal.id for p in profile.problems):
            raise ResourceError(f"{path}: goal '{goal.id}' has no problem that blocks it")
        if not any(n.serves == goal.id for n in profile.needs):
            raise ResourceError(f"{path}: goal '{goal.id}' has no need that serves it")
