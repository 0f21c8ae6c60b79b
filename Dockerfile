# kkrbot: the Telegram bot in a slim image. Build: docker build -t kkrbot .
# Run:   docker run -e TELEGRAM_TOKEN=... -v kkrbot-data:/data kkrbot

# Stage 1: build wheels for kkrbot and everything it needs, so the final image has no build tools.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY parsing ./parsing
COPY sources ./sources
COPY storage ./storage
RUN pip wheel --wheel-dir /wheels . tzdata

# Stage 2: only the installed wheels, run as an unprivileged user with the database in /data.
FROM python:3.11-slim
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/kkrbot.sqlite3
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels kkrbot tzdata \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin kkrbot \
    && mkdir -p /data \
    && chown kkrbot:kkrbot /data
USER kkrbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
CMD ["kkrbot", "run"]
