# kkrbot: the Telegram bot in a slim image; the SQLite database and the inbox live in the /data volume.
# Build: docker build -t kkrbot .        (without Docker Hub: scripts/build-image.sh, with podman)
# Run:   docker run -e TELEGRAM_TOKEN=... -v kkrbot-data:/data kkrbot    (or: docker compose up, see compose.yaml)
#
# BASE is any Debian-like image with python3 (3.11+) and its venv module. The default is the official
# slim image; scripts/build-image.sh passes a Debian bookworm root file system it builds with debootstrap.
ARG BASE=docker.io/library/python:3.11-slim-bookworm

# Stage 1: a virtualenv with the pinned dependencies and kkrbot, so the final image has no pip cache,
# no source tree and no build leftovers.
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/kkrbot
COPY requirements.lock /tmp/requirements.lock
# Behind a TLS-inspecting proxy, hand its CA bundle in as a build secret; it is not kept in the image:
#   --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt   (scripts/build-image.sh does this)
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && /opt/kkrbot/bin/pip install --only-binary=:all: --requirement /tmp/requirements.lock
# the whole source tree minus .dockerignore (tests, scripts, data, …): pyproject.toml picks the packages
COPY . /src
WORKDIR /src
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && /opt/kkrbot/bin/pip install --no-deps . \
    && /opt/kkrbot/bin/pip uninstall --yes pip setuptools \
    && /opt/kkrbot/bin/kkrbot --version

# Stage 2: the base plus the virtualenv, run as an unprivileged user with its data in /data.
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/opt/kkrbot/bin:$PATH \
    DATABASE_URL=sqlite:////data/kkrbot.sqlite3 \
    KKRBOT_INBOX=/data/inbox
# Tesseract and its Danish model read scanned PDFs (parsing/ocr.py)
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-dan \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 kkrbot \
    && useradd --system --uid 10001 --gid kkrbot --home-dir /data --no-create-home --shell /usr/sbin/nologin kkrbot \
    && mkdir -p /data/inbox \
    && chown -R kkrbot:kkrbot /data
COPY --from=build /opt/kkrbot /opt/kkrbot
USER kkrbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# `kkrbot status` exits 1 when the database cannot be reached or is not migrated; the start period
# gives `kkrbot run` time to create and migrate a new database first.
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 CMD ["kkrbot", "status", "--quiet"]
CMD ["kkrbot", "run"]
