#!/usr/bin/env bash
# Build the kkrbot image with podman where no Docker engine runs and Docker Hub cannot be reached,
# then start it once: `kkrbot --version`, and `kkrbot status` (the HEALTHCHECK) on a fresh database.
#
# The base image is made here instead of pulled: debootstrap installs a minimal Debian bookworm with
# python3 and python3-venv from the Debian mirror into a folder, which is trimmed (docs, man pages,
# apt lists) and imported with `podman import` as $BASE_IMAGE. It is built once and reused. The
# Dockerfile then installs the pinned wheels from PyPI (requirements.lock). Without a container
# runtime the smoke test runs the image the plain way: `podman image mount` and chroot as the
# image's user (uid 10001), with an empty folder bind-mounted on /data. (`podman run` fails in the
# sandbox this was written in: crun may not set RLIMIT_NOFILE there.)
#
# Run as root (debootstrap, chroot and mount need it); installs podman and debootstrap with apt-get
# when missing. Not part of CI: it takes minutes. Settings (environment):
#   IMAGE          the image to build               (default localhost/kkrbot:latest)
#   BASE_IMAGE     the imported base image          (default localhost/kkrbot-base:bookworm)
#   DEBIAN_MIRROR  where debootstrap downloads from (default http://deb.debian.org/debian)
#   STORAGE_DRIVER podman's storage driver          (default vfs: works without overlay support)
#   CA_BUNDLE      CA certificates pip trusts       (default the host's: a TLS-inspecting proxy's CA
#                  reaches the build as a secret and is not stored in the image)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-localhost/kkrbot:latest}"
BASE_IMAGE="${BASE_IMAGE:-localhost/kkrbot-base:bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
podman=(podman --storage-driver "${STORAGE_DRIVER:-vfs}")

step() { echo "::: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    echo "build-image.sh: run as root (debootstrap, chroot and mount need it)" >&2
    exit 2
fi
for tool in podman debootstrap; do
    if ! command -v "$tool" >/dev/null; then
        step "installing $tool"
        apt-get install -y --no-install-recommends "$tool" >/dev/null
    fi
done

if ! "${podman[@]}" image exists "$BASE_IMAGE"; then
    step "base image $BASE_IMAGE: debootstrap bookworm with python3 from $DEBIAN_MIRROR"
    started=$(date +%s)
    rootfs="$(mktemp -d /var/tmp/kkrbot-rootfs.XXXXXX)"
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "$DEBIAN_MIRROR" >&2
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/tmp/* "$rootfs"/dev/*
    chmod 755 "$rootfs"  # mktemp made it 0700; as the image's / it must let the bot's user in
    tar --numeric-owner -C "$rootfs" -c . \
        | "${podman[@]}" import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$BASE_IMAGE" >&2
    rm -rf "$rootfs"
    trap - EXIT
    echo "base image: $(($(date +%s) - started)) s, $("${podman[@]}" image inspect --format '{{.Size}}' "$BASE_IMAGE" | numfmt --to=si)B"
fi

step "building $IMAGE from $BASE_IMAGE"
started=$(date +%s)
"${podman[@]}" build --isolation chroot --format docker --build-arg "BASE=$BASE_IMAGE" \
    --secret "id=ca,src=$CA_BUNDLE" --tag "$IMAGE" . >&2
echo "build: $(($(date +%s) - started)) s"
echo "image size: $("${podman[@]}" image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=si)B"
echo "healthcheck: $("${podman[@]}" image inspect --format '{{json .HealthCheck.Test}}' "$IMAGE")"
echo "user: $("${podman[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")," \
    "command: $("${podman[@]}" image inspect --format '{{json .Config.Cmd}}' "$IMAGE")"

step "starting the image: podman image mount + chroot as uid 10001"
root="$("${podman[@]}" image mount "$IMAGE")"
data="$(mktemp -d /var/tmp/kkrbot-data.XXXXXX)"
chown 10001:10001 "$data"
mount --bind "$data" "$root/data"
mount -t proc proc "$root/proc"
cleanup() {
    umount "$root/proc" "$root/data" || true
    "${podman[@]}" image unmount "$IMAGE" >/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

chroot="$(command -v chroot)"
mapfile -t image_env < <("${podman[@]}" image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
    | grep -v '^$')
in_image() {
    # the image's environment, user and working directory, as `podman run` would give them
    env -i HOME=/data "${image_env[@]}" \
        "$chroot" --userspec=10001:10001 "$root" /bin/sh -c 'cd /data && exec "$@"' sh "$@"
}

# the HEALTHCHECK as the image declares it, without its leading "CMD"
mapfile -t health < <("${podman[@]}" image inspect --format '{{json .HealthCheck.Test}}' "$IMAGE" \
    | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)[1:]))')

echo "$ kkrbot --version"
in_image kkrbot --version
echo "$ ${health[*]}   # the HEALTHCHECK, on an empty /data"
in_image "${health[@]}" 2>&1 && echo "exit 0" || echo "exit $?"
echo "$ kkrbot db upgrade"
in_image kkrbot db upgrade
echo "$ ${health[*]}"
in_image "${health[@]}" 2>&1 && echo "exit 0" || echo "exit $?"
echo "$ kkrbot status"
in_image kkrbot status && echo "exit 0" || echo "exit $?"
