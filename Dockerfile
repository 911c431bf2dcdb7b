# primed: the same install as `make install` (lock file, then the package without deps).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ORT_DISABLE_TELEMETRY=1 \
    PRIMED_DATA_DIR=/data

RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock README.md Makefile ./
COPY app ./app
COPY corpora ./corpora
COPY prompts ./prompts
COPY evals ./evals
RUN make install PYTHON=python3.11

ENV PATH="/app/.venv/bin:${PATH}"
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["primed"]
CMD ["--help"]
