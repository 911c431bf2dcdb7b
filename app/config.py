"""Settings: the only reader of the process environment (prefix PRIMED_, .env supported)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The wheel carries corpora/, prompts/ and evals/ here; in a checkout these are links to the
# top-level folders (setuptools copies what they point to into the wheel).
PACKAGED_RESOURCES = Path(__file__).resolve().parent / "resources"


def default_resources_dir() -> Path:
    """The checkout's top level when primed runs from one (editable install), else the copy
    installed with the package, so `pip install .` works from any folder."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "corpora").is_dir():
        return PROJECT_ROOT
    return PACKAGED_RESOURCES


_RAY_ADDRESS = re.compile(r"(auto|(ray://)?[A-Za-z0-9_.\-]+:\d{1,5})")


def check_ray_address(value: str) -> str:
    """`auto`, `HOST:PORT` (a cluster's GCS) or `ray://HOST:PORT` (Ray Client), else ValueError."""
    value = value.strip()
    if not _RAY_ADDRESS.fullmatch(value):
        raise ValueError(
            f"Ray address '{value}' must be auto, HOST:PORT or ray://HOST:PORT "
            "(e.g. ray://head.example:10001)"
        )
    return value


class Settings(BaseSettings):
    """Everything primed reads from the environment, with defaults that run offline."""

    model_config = SettingsConfigDict(
        env_prefix="PRIMED_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=Path(".primed"), description="Where the embedded store lives.")
    chroma_url: str | None = Field(
        default=None, description="Chroma server URL (http://host:port); unset = embedded store."
    )
    collection: str = Field(default="case_notes", min_length=3, max_length=63)
    embed_batch_size: int = Field(default=32, ge=1, le=512)
    embed_threads: int = Field(
        default=0, ge=0, le=64, description="Embedding runs at once; 0 = one per core."
    )

    resources_dir: Path = Field(
        default_factory=default_resources_dir,
        description="Root of corpora/, prompts/ and evals/ (the checkout, else the package's).",
    )

    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PRIMED_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("PRIMED_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = "gpt-4o-mini"
    llm_response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="json_schema for OpenAI/vLLM/Ollama; json_object (+schema) for llama.cpp.",
    )
    llm_timeout: float = Field(default=60.0, gt=0, le=600)
    llm_max_tokens: int = Field(default=700, ge=64, le=8192)
    llm_retries: int = Field(default=3, ge=1, le=10)
    llm_revise_rounds: int = Field(default=2, ge=0, le=5)
    llm_seed: int | None = Field(default=None, ge=0)

    debug: bool = Field(default=False, description="Show tracebacks for unexpected errors.")

    chunk_words: int = Field(default=200, ge=20, le=220)
    max_copy_chars: int = Field(default=20_000, ge=100)
    retrieve_k: int = Field(default=3, ge=1, le=50)

    api_keys: str = Field(
        default="",
        description="API keys as comma-separated `label:ro|rw:sha256-hex` entries "
        "(`primed keys create` makes one); the server stores and compares only hashes.",
    )
    api_rate_per_minute: int = Field(default=600, ge=1, description="Requests per minute per key.")
    api_rate_burst: int = Field(default=60, ge=1, description="Requests a key may send at once.")
    api_max_body_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    api_max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, description="Per file.")
    api_max_documents: int = Field(default=200, ge=1, description="Documents per batch job.")
    api_max_titles: int = Field(default=9, ge=1, description="Titles per batch job.")
    api_concurrency: int = Field(
        default=2, ge=1, le=64, description="Rewrites and scores computed at once (CPU bound)."
    )
    api_batch_workers: int = Field(default=1, ge=1, le=16)
    ray_address: str | None = Field(
        default=None,
        description="Run batches (`primed batch`, API batch jobs) on this existing Ray cluster: "
        "auto, HOST:PORT or ray://HOST:PORT; unset = in-process threads.",
    )
    api_cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty = CORS off."
    )
    api_docs: bool = Field(default=True, description="Serve /docs and /openapi.json.")

    @field_validator("chroma_url")
    @classmethod
    def _url_has_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("http://", "https://")):
            raise ValueError("PRIMED_CHROMA_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("ray_address")
    @classmethod
    def _ray_address_form(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        return check_ray_address(value)

    @property
    def titles_dir(self) -> Path:
        return self.resources_dir / "corpora" / "titles"

    @property
    def lexicons_dir(self) -> Path:
        return self.resources_dir / "corpora" / "lexicons"

    @property
    def samples_dir(self) -> Path:
        return self.resources_dir / "corpora" / "samples"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
