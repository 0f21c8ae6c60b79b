#!/usr/bin/env bash
# Tesseract with its Danish model, for reading scans (parsing/ocr.py): installed from Debian's
# packages when missing. Used by .ci/run; the Dockerfile installs the same two packages.
set -euo pipefail

say() { echo "install-ocr: $*" >&2; }

if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx dan; then
    say "$(tesseract --version 2>/dev/null | head -n 1) with Danish is installed"
    exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say "installing Debian's tesseract-ocr and tesseract-ocr-dan"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    tesseract-ocr tesseract-ocr-dan >&2
tesseract --list-langs 2>/dev/null | grep -qx dan || { say "tesseract has no Danish model after installing"; exit 1; }
