"""primed's own exceptions: messages a marketer can act on; the CLI and API map them to codes."""

from __future__ import annotations

from collections.abc import Sequence


class PrimedError(Exception):
    """Base class. `exit_code` is what the CLI returns; `http_status` what the API returns."""

    exit_code = 1
    http_status = 500
    code = "error"


class InvalidInputError(PrimedError):
    exit_code = 2
    http_status = 422
    code = "invalid_input"

    def __init__(
        self, message: str, field: str | None = None, problems: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.field = field  # the request field at fault, for the API's error details
        self.problems = list(problems)  # (where, what) for requests with several bad parts
        super().__init__(message)


class UnknownTitleError(InvalidInputError):
    code = "unknown_title"

    def __init__(self, title: str, suggestions: list[str]) -> None:
        self.title = title
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown title '{title}'{hint} (run `primed titles` for the list)", field="title"
        )


class CaseNoteFormatError(InvalidInputError):
    """A case-note file or record is malformed; the message names file, location and field."""

    code = "bad_case_note"

    def __init__(self, source: str, location: str, message: str) -> None:
        self.source = source
        self.location = location
        super().__init__(f"{source}{':' + location if location else ''}: {message}")


class NotFoundError(PrimedError):
    exit_code = 4
    http_status = 404
    code = "not_found"


class ResourceError(PrimedError):
    """A data file shipped with primed (title profile, lexicon, model) is missing or corrupt."""

    exit_code = 3
    code = "resource_error"


class StoreUnavailableError(PrimedError):
    exit_code = 3
    http_status = 503
    code = "store_unavailable"


class ClusterUnavailableError(PrimedError):
    """The Ray cluster a batch should run on cannot be reached or cannot run it."""

    exit_code = 3
    http_status = 503
    code = "cluster_unavailable"


class EmptyStoreError(PrimedError):
    exit_code = 3
    http_status = 409
    code = "empty_store"

    def __init__(self) -> None:
        super().__init__(
            "no case notes ingested yet: run `primed ingest corpora/samples/case_notes` "
            "(or your own folder of notes) first"
        )


class ConflictError(PrimedError):
    exit_code = 2
    http_status = 409
    code = "conflict"


class TooLargeError(PrimedError):
    exit_code = 2
    http_status = 413
    code = "too_large"


class AuthError(PrimedError):
    """No API key, or one the server does not know (401/403)."""

    http_status = 401
    code = "missing_api_key"


class ForbiddenError(PrimedError):
    http_status = 403
    code = "forbidden"

    def __init__(self, message: str, code: str = "forbidden") -> None:
        self.code = code
        super().__init__(message)


class RateLimitedError(PrimedError):
    http_status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many requests for this API key: retry in {retry_after} s")
