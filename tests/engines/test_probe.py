"""The LLM probe: one per object graph, remembered for its ttl, one probe at a time."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from app.config import Settings
from app.engines.probe import LLMProbe
from app.services import Services


class FakeGet:
    """Stands in for httpx.get: counts calls, answers with a status or raises."""

    def __init__(self, status: int | None = 200, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.urls: list[str] = []

    def __call__(self, url: str, **_kwargs: Any) -> httpx.Response:
        self.urls.append(url)
        time.sleep(self.delay)
        if self.status is None:
            raise httpx.ConnectError("refused")
        return httpx.Response(self.status)


def configured(**extra: Any) -> Settings:
    return Settings(llm_base_url="http://127.0.0.1:9/v1/", _env_file=None, **extra)  # type: ignore[call-arg]


def test_no_configured_llm_is_never_probed() -> None:
    get = FakeGet()
    assert not LLMProbe(Settings(_env_file=None), get=get).reachable()  # type: ignore[call-arg]
    assert get.urls == []


def test_an_answer_is_remembered_for_the_ttl_and_asked_again_after_it() -> None:
    get = FakeGet(status=200)
    probe = LLMProbe(configured(), ttl=60, get=get)
    assert probe.reachable() and probe.reachable()
    assert get.urls == ["http://127.0.0.1:9/v1/models"]
    expired = LLMProbe(configured(), ttl=0, get=get)
    assert expired.reachable() and expired.reachable()
    assert len(get.urls) == 3


def test_server_errors_and_refused_connections_are_unreachable() -> None:
    assert not LLMProbe(configured(), get=FakeGet(status=503)).reachable()
    assert not LLMProbe(configured(), get=FakeGet(status=None)).reachable()


def test_reset_forgets_the_answer() -> None:
    get = FakeGet(status=None)
    probe = LLMProbe(configured(), get=get)
    assert not probe.reachable()
    get.status = 200
    assert not probe.reachable()
    probe.reset()
    assert probe.reachable()


def test_concurrent_callers_share_one_probe() -> None:
    get = FakeGet(status=200, delay=0.2)
    probe = LLMProbe(configured(), get=get)
    answers: list[bool] = []
    threads = [threading.Thread(target=lambda: answers.append(probe.reachable())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [True] * 8 and len(get.urls) == 1


def test_each_object_graph_has_its_own_probe() -> None:
    settings = configured()
    first, second = Services(settings), Services(settings)
    assert first.llm_probe is first.llm_probe
    assert first.llm_probe is not second.llm_probe
