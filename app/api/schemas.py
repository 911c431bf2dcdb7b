"""The HTTP API's request and response models (what /openapi.json documents)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.domain import CaseNote, Evidence, Rewrite
from app.engines.base import EngineName
from app.kit.service import KitRequest
from app.pipeline import RewriteRequest
from app.redaction import redact_evidence
from app.scoring.scorecard import EvidenceText, ScoreInput


def _text_only(value: str) -> str:
    """pydantic checks that a string is valid Unicode only when it has a length limit, so a
    lone surrogate (the legal JSON escape "\\ud800") would reach the tokenizer and fail there."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"not valid text: a lone surrogate (U+{ord(value[exc.start]):04X}) at character "
            f"{exc.start}"
        ) from None
    return value


Text = Annotated[str, AfterValidator(_text_only)]
JobStatus = Literal["queued", "running", "done", "cancelled", "failed"]
TitleName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
COPY_EXAMPLE = (
    "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
    "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
)


class FieldProblem(BaseModel):
    field: str = Field(description="Where in the request: `body.copy`, `query.k`, a file name.")
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. unknown_title.")
    message: str = Field(description="What went wrong and what to do, for a person.")
    details: list[FieldProblem] = Field(default_factory=list)
    request_id: str | None = None


class ErrorBody(BaseModel):
    """Every error response, whatever the status."""

    error: ErrorDetail


class RewriteIn(RewriteRequest):
    """Feature-heavy copy and the executive title to rewrite it for."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"copy": COPY_EXAMPLE, "title": "CFO"}]},
    )

    copy_text: Text = Field(alias="copy", description="Feature-heavy product copy (text/markdown).")
    title: TitleName = Field(description="Executive title or alias: CFO, 'VP of Sales', ...")
    engine: EngineName = "auto"


class ScoreIn(ScoreInput):
    """A rewrite and its source, scored like the guard and eval suites score them."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "source": COPY_EXAMPLE,
                    "rewrite": "Close the books in days, not weeks [PS-014].",
                    "title": "CFO",
                    "evidence": [{"id": "PS-014", "text": "Close went from 9 days to 4."}],
                }
            ]
        },
    )

    title: TitleName | None = None
    evidence: list[EvidenceText] = Field(default_factory=list, max_length=200)
    must_remove: list[Text] = Field(default_factory=list, max_length=200)


class NotesIn(BaseModel):
    """Case notes as JSON (the same fields as a JSONL line)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "notes": [
                        {
                            "id": "PS-014",
                            "customer": "Northwind Freight",
                            "customer_description": "a logistics company with 14 entities",
                            "industry": "logistics",
                            "offering": "LedgerFlow",
                            "titles": ["CFO"],
                            "date": "2025-03-01",
                            "consultant": "Ana Ortiz",
                            "body": "Month-end close went from 9 days to 4 after consolidation "
                            "of all 14 entities was automated.",
                        }
                    ]
                }
            ]
        },
    )

    notes: list[CaseNote] = Field(min_length=1, max_length=1000)


class NoteDeleted(BaseModel):
    note_id: str
    chunks_deleted: int


class SearchHit(BaseModel):
    """A case-note chunk as evidence. A customer that is not publishable appears only by its
    description, in `customer` and in every text field (its name is replaced in `text` and
    `outcome`)."""

    chunk_id: str
    note_id: str
    customer: str
    publishable: bool
    industry: str
    offering: str
    titles: list[str]
    outcome: str | None
    text: str
    score: float
    filter: str

    @classmethod
    def of(cls, evidence: Evidence) -> SearchHit:
        """The hit as a client may see it: confidential names replaced in every text field."""
        return cls.model_validate(redact_evidence(evidence).model_dump(exclude={"customer_name"}))


class BatchDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=255, description="Shown in results; md, txt or html by suffix."
    )
    content: str = Field(min_length=1, description="The document's text (or HTML).")


class BatchIn(BaseModel):
    """Documents to rewrite, each for every title. As multipart: `files` plus `titles` fields."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "documents": [{"name": "ledgerflow.md", "content": COPY_EXAMPLE}],
                    "titles": ["CFO", "CIO"],
                }
            ]
        },
    )

    documents: list[BatchDocumentIn] = Field(min_length=1)
    titles: list[TitleName] = Field(min_length=1)
    engine: EngineName = "auto"


class BatchJob(BaseModel):
    id: str
    status: JobStatus
    engine: EngineName
    titles: list[str]
    documents: int
    units: int = Field(description="documents x titles")
    done: int = Field(description="Units finished, succeeded or failed.")
    failed: int
    progress: float = Field(ge=0, le=1)
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = Field(default=None, description="Why a failed job could not run.")


class BatchResult(BaseModel):
    index: int = Field(description="The document's position in the request, from 0.")
    document: str
    title: str
    status: Literal["ok", "failed"]
    error: str | None = None
    rewrite: Rewrite | None = Field(
        default=None, description="The Rewrite, as POST /v1/rewrites returns it."
    )


class BatchResults(BaseModel):
    job: BatchJob
    total: int
    offset: int
    results: list[BatchResult]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Component(BaseModel):
    ok: bool
    detail: str


class Ready(BaseModel):
    ready: bool
    store: Component
    llm: Component
    auto_engine: Literal["grounded", "llm"]


class KitIn(KitRequest):
    """The offering (and optionally titles, an industry, the engine) to build a kit for."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"product": "LedgerFlow", "titles": ["CFO", "COO"]}]},
    )

    product: Annotated[Text, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The offering, by name or alias (see GET /v1/offerings)."
    )
    titles: list[TitleName] = Field(
        default_factory=list, max_length=20, description="Titles to cover; empty: every title."
    )
    industry: Annotated[Text, StringConstraints(max_length=64)] | None = Field(
        default=None, description="Stories from this industry first."
    )
