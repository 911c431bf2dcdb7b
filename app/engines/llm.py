"""LLM engines over any OpenAI-compatible server (OpenAI, Azure, vLLM, Ollama, llama.cpp).

`llm`: a langchain chain (prompt | ChatOpenAI) whose output is a JSON Draft constrained by
the server (json_schema for OpenAI/vLLM, json_object + schema for llama.cpp), validated by
pydantic. `naive`: one plain prompt, no evidence, no guard: the baseline evals must beat.
"""

from __future__ import annotations

import json
import re
from typing import Any

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

from app.citing import fact_sentence
from app.config import Settings
from app.domain import Draft, Evidence, Sentence
from app.engines.base import EngineContext
from app.errors import PrimedError
from app.features import MAX_FEATURES, Feature
from app.prompts import RewritePrompts, load_prompts
from app.scores import Span

TRANSIENT = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.RateLimitError,
    openai.InternalServerError,
)


# Prompt budget: small local models have 4-8k token windows, and every prompt token costs
# ~20 ms on 2 CPU cores: features once (every feature the pipeline keeps, features.MAX_FEATURES,
# shown without their jargon clauses, so they are short), outcome facts instead of passages.
PROMPT_JARGON = 20  # the copy's own jargon, named: small models copy what they are not told
PROMPT_FACTS = 8
FACTS_PER_NOTE = 2
# The answer limit grows with the copy: a headline and 2-4 sentences (~70 tokens each as JSON).
# Every answer token costs ~0.1 s on 2 CPU cores: a 1.5B model given 700 tokens spends them
# repeating the feature list. Answers cut at the limit are salvaged.
ANSWER_BASE_TOKENS = 140
ANSWER_TOKENS_PER_FEATURE = 30
ANSWER_FEATURES = 10
NO_EVIDENCE = (
    "(no customer evidence for this offering: write only what the executive's team needs and "
    "can do with it; no numbers, no customer names, empty evidence_ids)"
)


NO_PLAIN_FEATURES = (
    "(every feature statement is product jargon: write what the executive's team can do "
    "and what it changes for them)"
)


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


def rewrite_prompts(settings: Settings) -> RewritePrompts:
    return load_prompts(settings.resources_dir / "prompts" / "rewrite.yaml")


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
    # The answer must hold a headline and at least one sentence: the grammar enforces it.
    stripped["required"] = ["headline", "sentences"]
    stripped["properties"]["sentences"]["minItems"] = 1
    stripped["$defs"]["Sentence"]["required"] = ["text", "kind", "evidence_ids", "feature_ids"]
    return stripped


def response_format(settings: Settings) -> dict[str, Any]:
    schema = wire_schema()
    if settings.llm_response_format == "json_object":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_schema", "json_schema": {"name": "draft", "schema": schema}}


class LLMEngine:
    name = "llm"
    uses_evidence = True
    guarded = True
    revisable = True

    def __init__(
        self, settings: Settings, client: ChatOpenAI, prompts: RewritePrompts | None = None
    ) -> None:
        self.settings = settings
        # The registry loads the prompts once and hands them to every engine it makes.
        self.prompts = prompts or rewrite_prompts(settings)
        self.client = client
        self.format: dict[str, Any] | None = response_format(settings)
        self.usage = Usage()
        self.salvaged = 0

    @property
    def model(self) -> str | None:
        return self.settings.llm_model

    def generate(self, context: EngineContext) -> Draft:
        chain = ChatPromptTemplate.from_messages(
            [("system", self.prompts.system), ("human", self.prompts.user)]
        )
        messages = chain.format_messages(**prompt_variables(context))
        return self._draft(messages, self.answer_tokens(context))

    def answer_tokens(self, context: EngineContext) -> int:
        """The answer limit for this copy: room for a headline and a sentence per feature."""
        wanted = ANSWER_BASE_TOKENS + ANSWER_TOKENS_PER_FEATURE * min(
            len(context.features), ANSWER_FEATURES
        )
        return min(self.settings.llm_max_tokens, wanted)

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
        return self._draft(chain.format_messages(**variables), self.answer_tokens(context))

    def _draft(self, messages: list[BaseMessage], max_tokens: int) -> Draft:
        content, finish = self._call(messages, max_tokens)
        draft, salvaged = parse_answer(content, finish)
        self.salvaged += salvaged
        return draft

    def _call(self, messages: list[BaseMessage], max_tokens: int) -> tuple[str, str | None]:
        @retry(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(self.settings.llm_retries),
            wait=wait_exponential(multiplier=0.5, max=8),
            reraise=False,
        )
        def call() -> tuple[str, str | None]:
            # max_tokens via extra_body: langchain-openai sends max_completion_tokens, which
            # llama.cpp ignores.
            # response_format travels in the body too: langchain would otherwise parse the answer
            # itself and throw away one cut at the length limit, which salvage() can still use.
            body: dict[str, Any] = {"max_tokens": max_tokens}
            if self.settings.llm_seed is not None:
                body["seed"] = self.settings.llm_seed
            if self.format is not None:
                body["response_format"] = self.format
            message = self.client.invoke(messages, extra_body=body)
            self.usage.add(message.response_metadata)
            finish = message.response_metadata.get("finish_reason")
            return str(message.content), str(finish) if finish else None

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
    guarded = False  # the baseline evals must beat, shown as the model wrote it
    revisable = False

    def __init__(
        self, settings: Settings, client: ChatOpenAI, prompts: RewritePrompts | None = None
    ) -> None:
        super().__init__(settings, client, prompts)
        self.format = None  # free text, as a chat window answers

    def generate(self, context: EngineContext) -> Draft:
        chain = ChatPromptTemplate.from_messages([("human", self.prompts.naive)])
        messages = chain.format_messages(title=context.title.name, copy=context.copy)
        content, _ = self._call(messages, self.settings.llm_max_tokens)
        text = content.strip() or "(empty answer)"
        lines = text.splitlines()
        headline = lines[0].strip("# *").strip()[:300] or "(no headline)"
        body = " ".join(ln.strip() for ln in lines[1:] if ln.strip()) or headline
        return Draft(headline=headline, sentences=[Sentence(text=body[:600])])

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft:
        del context, problems
        return draft


def prompt_variables(context: EngineContext) -> dict[str, str]:
    profile = context.title
    return {
        "title": profile.name,
        "title_full": profile.full_name,
        "goals": "; ".join(g.text for g in profile.goals),
        "problems": "; ".join(p.text for p in profile.problems[:4]),
        "vocabulary": ", ".join(profile.vocabulary),
        "avoid": ", ".join(profile.loses_them),
        "product": context.product or "(not named)",
        "copy": context.copy,
        "features": "\n".join(f"{f.id}: {f.statement}" for f in shown_features(context))
        or NO_PLAIN_FEATURES,
        "evidence": "\n".join(fact_lines(context.evidence)) or NO_EVIDENCE,
        "jargon": ", ".join(context.jargon[:PROMPT_JARGON]) or "(none)",
    }


def shown_features(context: EngineContext) -> list[Feature]:
    """The features as the pipeline chose to show them; else the first MAX_FEATURES as they are."""
    if context.shown_features is None:
        return context.features[:MAX_FEATURES]
    return context.shown_features[:MAX_FEATURES]


def fact_lines(evidence: list[Evidence]) -> list[str]:
    """The outcome facts the model may cite, one JSON line each, customers as copy may name
    them; whole passages never reach the prompt (shorter, and planted text stays out)."""
    lines: list[str] = []
    for item in evidence:
        for fact in item.facts[:FACTS_PER_NOTE]:
            lines.append(
                json.dumps(
                    {"id": item.note_id, "fact": fact_sentence(fact, item)}, ensure_ascii=False
                )
            )
            if len(lines) == PROMPT_FACTS:
                return lines
    return lines


def parse_answer(content: str, finish: str | None) -> tuple[Draft, bool]:
    """The model's answer as a Draft, and whether it had to be salvaged from a cut answer.

    Lenient where a small model is sloppy but the meaning is intact (raw line breaks in
    strings, fields over the draft's limits, empty sentences); the guard judges the rest."""
    try:
        # strict=False: small models put raw line breaks inside JSON strings.
        return Draft.model_validate(clipped(json.loads(content, strict=False))), False
    except (ValueError, TypeError):
        pass  # not JSON, or cut at the limit: the schema error below says which
    try:
        return Draft.model_validate_json(content), False
    except ValidationError as exc:
        salvaged = salvage(content) if finish == "length" else None
        if salvaged is not None:
            return salvaged, True
        why = "was cut at the answer limit" if finish == "length" else "does not fit"
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "answer"
        raise LLMError(
            f"the model's answer {why} the draft schema ({exc.error_count()} problems, "
            f"first at {where}: {first['msg']})"
        ) from exc


def clipped(answer: Any) -> Any:
    """A model's answer cut to the draft's limits (the wire schema carries none, so a small
    model may write a 700-character sentence); the guard judges what is left."""
    if not isinstance(answer, dict):
        return answer
    out = dict(answer)
    if isinstance(out.get("headline"), str):
        out["headline"] = " ".join(out["headline"].split())[:300]
    sentences = out.get("sentences")
    if isinstance(sentences, list):
        fixed = []
        for item in sentences[:12]:
            if isinstance(item, dict):
                item = dict(item)
                if isinstance(item.get("text"), str):
                    item["text"] = " ".join(item["text"].split())[:600]
                    if not item["text"]:
                        continue  # an empty sentence says nothing: drop it, keep the rest
                for key, limit in (("evidence_ids", 4), ("feature_ids", 12)):
                    if isinstance(item.get(key), list):
                        item[key] = item[key][:limit]
            fixed.append(item)
        out["sentences"] = fixed
    return out


def salvage(content: str) -> Draft | None:
    """A draft from an answer cut at the length limit: the headline and every complete
    sentence object before the cut (the guard then checks them like any draft)."""
    start = content.find("{")
    if start < 0:
        return None
    text = content[start:]
    for end in sorted((m.end() for m in re.finditer(r"\}", text)), reverse=True):
        for closing in ("]}", "}", "]}}"):
            try:
                draft = Draft.model_validate_json(text[:end] + closing)
            except ValidationError:
                continue
            return draft if draft.sentences else None
    return None


class Usage:
    """Tokens the server reports across calls (for benchmarks and logs)."""

    def __init__(self) -> None:
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def add(self, metadata: dict[str, Any]) -> None:
        usage = metadata.get("token_usage") or {}
        self.calls += 1
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.completion_tokens += int(usage.get("completion_tokens") or 0)
