"""Is the configured LLM answering? One probe per object graph (app/services.py), remembered for
a few seconds, safe to ask from many threads; no module-level state."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from app.config import Settings

Get = Callable[..., httpx.Response]


class LLMProbe:
    def __init__(self, settings: Settings, ttl: float = 30.0, get: Get = httpx.get) -> None:
        self.settings = settings
        self.ttl = ttl
        self._get = get
        self._lock = threading.Lock()
        self._answer: tuple[float, bool] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.settings.llm_base_url) or self.settings.llm_api_key is not None

    @property
    def base_url(self) -> str:
        return (self.settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")

    def reachable(self) -> bool:
        """Is an LLM configured and answering /models? Remembered for `ttl` seconds; callers
        arriving while a probe runs wait for its answer instead of probing again."""
        if not self.configured:
            return False
        with self._lock:
            if self._answer and time.monotonic() - self._answer[0] < self.ttl:
                return self._answer[1]
            ok = self._probe()
            self._answer = (time.monotonic(), ok)
            return ok

    def reset(self) -> None:
        """Forget the last answer: the next call probes again."""
        with self._lock:
            self._answer = None

    def _probe(self) -> bool:
        headers = {}
        if self.settings.llm_api_key is not None:
            headers["Authorization"] = f"Bearer {self.settings.llm_api_key.get_secret_value()}"
        try:
            return (
                self._get(f"{self.base_url}/models", headers=headers, timeout=2.0).status_code < 500
            )
        except httpx.HTTPError:
            return False
