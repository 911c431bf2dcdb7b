"""LLM engines over any OpenAI-compatible server (OpenAI, Azure, vLLM, Ollama, llama.cpp).

`llm`: a langchain chain (prompt | ChatOpenAI) whose output is a JSON Draft constrained by
the server (json_schema for OpenAI/vLLM, json_object + schema for llama.cpp), validated by
pydantic. `naive`: one plain prompt, no evidence, no guard: the baseline evals must beat.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

import httpx
import openai
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI
from pydantic import SecretStr, ValidationError
from tenacity import (
    RetryError,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from app.config import Settings
from app.domain import Draft, Evidence
from app.engines.base import EngineContext
from app.engines.grounded import describe_customer
from app.errors import PrimedError
from app.prompts import RewritePrompts, load_prompts
from app.scoring.models import Span

TRANSIENT = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.RateLimitError,
    openai.InternalServerError,
)


# Prompt budget: small local models have 4-8k token windows.
PROMPT_FEATURES = 10
PROMPT_EVIDENCE = 6
PROMPT_EVIDENCE_WORDS = 80


class LLMError(PrimedError):
    exit_code = 3
    http_status = 502
    code = "llm_unavailable"


def llm_client(settings: Settings) -> ChatOpenAI:
    if not settings.llm_base_url and settings.llm_api_key is None:
        raise LLMError(
            "no LLM configured: set PRIMED_LLM_BASE_URL (or OPENAI_API_KEY), "
            "or use --engine grounded"
        )
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or SecretStr("not-needed"),
        timeout=settings.llm_timeout,
        max_retries=0,  # tenacity retries, with backoff, around the whole call
        temperature=0.2,
        # langchain-openai sends max_completion_tokens, which llama.cpp ignores: bound both.
        extra_body={"max_tokens": settings.llm_max_tokens},
    )


_REACHABLE: dict[str, tuple[float, bool]] = {}


def llm_reachable(settings: Settings, ttl: float = 30.0) -> bool:
    """Is an LLM configured and answering /models? Remembered for `ttl` seconds."""
    if not settings.llm_base_url and settings.llm_api_key is None:
        return False
    base = (settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    cached = _REACHABLE.get(base)
    if cached and time.monotonic() - cached[0] < ttl:
        return cached[1]
    headers = {}
    if settings.llm_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
    try:
        ok = httpx.get(f"{base}/models", headers=headers, timeout=2.0).status_code < 500
    except httpx.HTTPError:
        ok = False
    _REACHABLE[base] = (time.monotonic(), ok)
    return ok


@lru_cache(maxsize=4)
def _prompts(path: str) -> RewritePrompts:
    from pathlib import Path

    return load_prompts(Path(path))


def wire_schema() -> dict[str, Any]:
    """The Draft schema without length limits: llama.cpp turns maxLength into a grammar rule
    per character and gives up; pydantic still enforces the limits on the answer."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: strip(v)
                for k, v in node.items()
                if k not in {"maxLength", "minLength", "maxItems", "minItems"}
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    stripped: dict[str, Any] = strip(Draft.model_json_schema())
    return stripped


def response_format(settings: Settings) -> dict[str, Any]:
    schema = wire_schema()
    if settings.llm_response_format == "json_object":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_schema", "json_schema": {"name": "draft", "schema": schema}}


class LLMEngine:
    name = "llm"
    uses_evidence = True

    def __init__(self, settings: Settings, client: ChatOpenAI) -> None:
        self.settings = settings
        self.prompts = _prompts(str(settings.resources_dir / "prompts" / "rewrite.yaml"))
        self.client = client.bind(response_format=response_format(settings))

    @property
    def model(self) -> str | None:
        return self.settings.llm_model

    def generate(self, context: EngineContext) -> Draft:
        chain = ChatPromptTemplate.from_messages(
            [("system", self.prompts.system), ("human", self.prompts.user)]
        )
        messages = chain.format_messages(**prompt_variables(context))
        return self._draft(messages)

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft:
        listed = "\n".join(f"- {p.message or p.kind}: '{p.text}'" for p in problems[:20])
        chain = ChatPromptTemplate.from_messages(
            [
                ("system", self.prompts.system),
                ("human", self.prompts.user),
                ("ai", "{previous}"),
                ("human", self.prompts.revise),
            ]
        )
        variables = prompt_variables(context)
        variables.update(previous=draft.model_dump_json(), problems=listed, draft=draft.text)
        return self._draft(chain.format_messages(**variables))

    def _draft(self, messages: list[BaseMessage]) -> Draft:
        content = self._call(messages)
        try:
            return Draft.model_validate_json(content)
        except ValidationError as exc:
            raise LLMError(
                f"the model's answer does not fit the draft schema ({exc.error_count()} problems)"
            ) from exc

    def _call(self, messages: list[BaseMessage]) -> str:
        @retry(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(self.settings.llm_retries),
            wait=wait_exponential(multiplier=0.5, max=8),
            reraise=False,
        )
        def call() -> str:
            return str(self.client.invoke(messages).content)

        try:
            return call()
        except RetryError as exc:
            cause = exc.last_attempt.exception()
            raise LLMError(
                f"LLM unreachable after {self.settings.llm_retries} tries: {cause}"
            ) from exc
        except openai.OpenAIError as exc:
            raise LLMError(f"LLM request failed: {type(exc).__name__}: {exc}") from exc


class NaiveEngine(LLMEngine):
    """The features-to-benefits prompt a user would type into a chat window."""

    name = "naive"
    uses_evidence = False

    def __init__(self, settings: Settings, client: ChatOpenAI) -> None:
        self.settings = settings
        self.prompts = _prompts(str(settings.resources_dir / "prompts" / "rewrite.yaml"))
        self.client = client  # type: ignore[assignment]

    def generate(self, context: EngineContext) -> Draft:
        chain = ChatPromptTemplate.from_messages([("human", self.prompts.naive)])
        messages = chain.format_messages(title=context.title.name, copy=context.copy)
        text = self._call(messages).strip() or "(empty answer)"
        lines = text.splitlines()
        headline = lines[0].strip("# *").strip()[:300] or "(no headline)"
        body = "\n".join(lines[1:]).strip() or headline
        return Draft(headline=headline, body=body[:5000], claims=[])

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft:
        del context, problems
        return draft


def prompt_variables(context: EngineContext) -> dict[str, str]:
    profile = context.title
    return {
        "title": profile.name,
        "title_full": profile.full_name,
        "goals": "; ".join(g.text for g in profile.goals),
        "problems": "; ".join(p.text for p in profile.problems),
        "vocabulary": ", ".join(profile.vocabulary),
        "avoid": ", ".join(profile.loses_them),
        "product": context.product or "(not named)",
        "copy": context.copy,
        "features": "\n".join(f"{f.id}: {f.statement}" for f in context.features[:PROMPT_FEATURES]),
        "evidence": "\n".join(evidence_line(e) for e in context.evidence[:PROMPT_EVIDENCE])
        or "(none)",
    }


def evidence_line(evidence: Evidence) -> str:
    """One note as the model sees it: its measured outcome first, at most ~80 words."""
    naming = "may be named" if evidence.publishable else "must not be named; describe it"
    text = describe_customer(evidence.text, evidence) or evidence.text
    words = text.split()
    if len(words) > PROMPT_EVIDENCE_WORDS:
        text = " ".join(words[:PROMPT_EVIDENCE_WORDS]) + " ..."
    return json.dumps(
        {"id": evidence.note_id, "customer": evidence.customer, "naming": naming, "text": text},
        ensure_ascii=False,
    )
