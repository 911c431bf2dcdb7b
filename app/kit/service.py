"""Making a kit, for the CLI and the API alike: resolve the offering and titles, build the
grounded kit, and with the llm engine have the model write each title's summary through the
rewrite pipeline, under the same guard as any rewrite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.kit.build import KitBuilder
from app.kit.models import Kit, KitEngine, Source, TitleKit
from app.kit.notes import offering_notes, resolve
from app.kit.render import render_html, render_markdown
from app.services import Services
from app.text import split_sentences

KitFormat = Literal["md", "json", "html"]
FILES: dict[str, str] = {"md": "kit.md", "json": "kit.json", "html": "kit.html"}
_CITATION = re.compile(r"\s*\[[^\]]*\]")


class KitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, max_length=200, description="The offering (or an alias).")
    titles: list[str] = Field(
        default_factory=list, max_length=20, description="Titles to cover; empty: every title."
    )
    industry: str | None = Field(
        default=None, max_length=64, description="Stories from this industry first."
    )
    engine: KitEngine = "grounded"


def make_kit(services: Services, request: KitRequest) -> Kit:
    offering = resolve(services.store, request.product)
    profiles = services.titles.get_many(request.titles) or list(services.titles)
    engine = request.engine
    warnings: list[str] = []
    if engine != "grounded" and services.pipeline.engines.auto() != "llm":
        if engine == "llm":  # asked for by name: say why it is not what they get
            warnings.append(
                "llm engine unavailable (no LLM configured, or its server does not answer); "
                "the kit is the grounded one"
            )
        engine = "grounded"
    elif engine == "auto":
        engine = "llm"
    notes = offering_notes(services.store, offering)
    kit = KitBuilder(services.scorer).build(offering, notes, profiles, request.industry, engine)
    if engine != "llm":
        return kit.model_copy(update={"warnings": [*kit.warnings, *warnings]})
    titles = [
        llm_summary(services, kit.offering, title, request.industry, warnings)
        for title in kit.titles
    ]
    return kit.model_copy(update={"titles": titles, "warnings": [*kit.warnings, *warnings]})


def llm_summary(
    services: Services, offering: str, title: TitleKit, industry: str | None, warnings: list[str]
) -> TitleKit:
    """The title's summary rewritten by the LLM engine from the grounded one: the pipeline
    retrieves this offering's notes and guards the draft (residue, grounding, confidential
    names, citations); when the model fails, the grounded summary stays and a warning says so."""
    if not title.goals:
        return title
    from app.pipeline import RewriteRequest

    plain = " ".join(_CITATION.sub("", line) for line in title.summary)
    result = services.pipeline.rewrite(
        RewriteRequest.model_validate(
            {
                "copy": plain,
                "title": title.title,
                "industry": industry,
                "product": offering,
                "engine": "llm",
            }
        )
    )
    if result.engine != "llm" or result.evidence_status != "cited":
        warnings.append(
            f"{title.title}: the llm summary did not pass the guard with a citation "
            f"(engine {result.engine}, {result.evidence_status}); the grounded summary is shown"
        )
        return title
    sources = [
        Source(note_id=e.note_id, sentences=e.supports) for e in result.evidence if e.supports
    ]
    return title.model_copy(
        update={
            "summary": [result.headline, *split_sentences(result.body)],
            "summary_sources": sources or title.summary_sources,
            "engine": "llm",
            "model": result.model,
        }
    )


def write_kit(kit: Kit, out_dir: Path, formats: list[KitFormat]) -> list[Path]:
    """The kit's files in `out_dir` (created), each written whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in dict.fromkeys(formats):
        text = {
            "md": render_markdown,
            "json": lambda k: k.model_dump_json(indent=2) + "\n",
            "html": render_html,
        }[fmt](kit)
        path = out_dir / FILES[fmt]
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        written.append(path)
    return written
