"""Title profiles: shipped profiles load, aliases resolve, unknown titles get suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InvalidInputError, ResourceError, UnknownTitleError
from app.titles import TitleRegistry

REQUIRED = {"cfo", "cio", "cto", "ciso", "coo", "cmo", "chro", "vp-sales", "vp-engineering"}


def test_shipped_profiles_cover_every_required_title(titles: TitleRegistry) -> None:
    assert REQUIRED <= set(titles.ids)
    for profile in titles:
        assert profile.goals and profile.problems and profile.needs and profile.aliases


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("CFO", "cfo"),
        ("chief financial officer", "cfo"),
        ("Finance Director", "cfo"),
        ("VP of Sales", "vp-sales"),
        ("vp-sales", "vp-sales"),
        ("  Chief Information Security Officer ", "ciso"),
        ("VP Engineering", "vp-engineering"),
    ],
)
def test_titles_resolve_by_name_alias_and_case(
    titles: TitleRegistry, typed: str, expected: str
) -> None:
    assert titles.get(typed).id == expected


def test_unknown_title_lists_the_closest_known_titles(titles: TitleRegistry) -> None:
    with pytest.raises(UnknownTitleError) as caught:
        titles.get("Chief Finance Offcer")
    assert "CFO" in caught.value.suggestions
    assert "did you mean" in str(caught.value)


def test_profile_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "cfo.yaml").write_text(
        "id: cfo\nname: CFO\nfull_name: Chief Financial Officer\nmood: grumpy\n"
        "goals: [{id: close, text: Close faster, keywords: [close]}]\n"
    )
    with pytest.raises(ResourceError, match="mood"):
        TitleRegistry.from_dir(tmp_path)


def test_problem_blocking_an_unknown_goal_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "cfo.yaml").write_text(
        "id: cfo\nname: CFO\nfull_name: Chief Financial Officer\n"
        "goals: [{id: close, text: Close faster, keywords: [close]}]\n"
        f"problems: [{{id: slow, text: Slow close, keywords: [slow], blocks: cash, {QUESTIONS}}}]\n"
    )
    with pytest.raises(ResourceError, match="unknown goal 'cash'"):
        TitleRegistry.from_dir(tmp_path)


QUESTIONS = "questions: ['How long does close take today?', 'Who re-keys the numbers?']"
SCENARIO = "scenario: 'What if your team closed the books in three days?'"


def kit_profile(problems: str, needs: str) -> str:
    return (
        "id: cfo\nname: CFO\nfull_name: Chief Financial Officer\n"
        "goals: [{id: close, text: Close faster, keywords: [close]}]\n"
        f"problems: [{problems}]\nneeds: [{needs}]\n"
    )


GOOD_PROBLEM = f"{{id: slow, text: Slow close, keywords: [slow], blocks: close, {QUESTIONS}}}"
GOOD_NEED = f"{{id: fast, text: Close in days, keywords: [days], serves: close, {SCENARIO}}}"


def test_a_profile_with_questions_and_scenarios_for_every_goal_loads(tmp_path: Path) -> None:
    (tmp_path / "cfo.yaml").write_text(kit_profile(GOOD_PROBLEM, GOOD_NEED))
    profile = TitleRegistry.from_dir(tmp_path).get("CFO")
    assert profile.problems[0].questions[0] == "How long does close take today?"
    assert profile.needs[0].scenario.startswith("What if")


def test_a_goal_no_problem_blocks_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "cfo.yaml").write_text(kit_profile("", GOOD_NEED))
    with pytest.raises(ResourceError, match="goal 'close' has no problem"):
        TitleRegistry.from_dir(tmp_path)


def test_a_problem_with_one_question_is_rejected(tmp_path: Path) -> None:
    one = GOOD_PROBLEM.replace(", 'Who re-keys the numbers?'", "")
    (tmp_path / "cfo.yaml").write_text(kit_profile(one, GOOD_NEED))
    with pytest.raises(ResourceError, match="questions"):
        TitleRegistry.from_dir(tmp_path)


def test_a_scenario_that_is_not_a_what_if_question_is_rejected(tmp_path: Path) -> None:
    claim = GOOD_NEED.replace("What if your team closed the books in three days?", "We close fast.")
    (tmp_path / "cfo.yaml").write_text(kit_profile(GOOD_PROBLEM, claim))
    with pytest.raises(ResourceError, match="scenario"):
        TitleRegistry.from_dir(tmp_path)


def test_alias_shared_by_two_titles_is_rejected(tmp_path: Path) -> None:
    for stem in ("cfo", "coo"):
        (tmp_path / f"{stem}.yaml").write_text(
            f"id: {stem}\nname: {stem.upper()}\nfull_name: Chief {stem}\naliases: [Boss]\n"
            "goals: [{id: g, text: Grow, keywords: [grow]}]\n"
            f"problems: [{GOOD_PROBLEM.replace('close', 'g')}]\n"
            f"needs: [{GOOD_NEED.replace('serves: close', 'serves: g')}]\n"
        )
    with pytest.raises(ResourceError, match="'Boss' belongs to both"):
        TitleRegistry.from_dir(tmp_path)


def test_several_titles_resolve_once_each_in_the_order_given(titles: TitleRegistry) -> None:
    found = titles.get_many(["coo", "Finance Director", "CFO", "Chief Operating Officer"])
    assert [p.id for p in found] == ["coo", "cfo"]
    with pytest.raises(InvalidInputError) as unknown:
        titles.get_many(["CFO", "Chief Vibes Officer"])
    assert unknown.value.field == "titles.1"


def test_a_blank_title_in_a_list_is_an_error_naming_it_never_fewer_titles(
    titles: TitleRegistry,
) -> None:
    with pytest.raises(InvalidInputError, match="title 2 is blank") as blank:
        titles.get_many(["CFO", " "])
    assert blank.value.field == "titles.1"
