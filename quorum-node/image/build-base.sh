#!/usr/bin/env bash
# Builds the offline base image quorum-keeper/base:bookworm from Debian's own apt, no registry needed:
#   debootstrap --variant=minbase bookworm + openjdk-17-jre-headless + user "quorum" (uid/gid 1000),
#   then `tar | docker import`.
# Cached: does nothing when the image already exists (FORCE=1 rebuilds).
# Needs root (debootstrap, chroot) and a running docker daemon. The only host it talks to is the Debian
# mirror this machine's apt is configured with (or DEBIAN_MIRROR if set).
#
# Environment: BASE_IMAGE (default quorum-keeper/base:bookworm), DEBIAN_MIRROR, FORCE=1, KEEP_ROOTFS=1.
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-quorum-keeper/base:bookworm}
SUITE=bookworm
JRE=openjdk-17-jre-headless

log() { echo "build-base: $*" >&2; }

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE already exists, nothing to do (FORCE=1 rebuilds)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "debootstrap needs root; run as root or build $BASE_IMAGE elsewhere and docker load it"
  exit 1
fi
docker info >/dev/null 2>&1 || { log "docker daemon not reachable (docker info fails)"; exit 1; }

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap via apt"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

# The machine's configured Debian mirror: the first URI of a "deb" source whose suites include bookworm
# (deb822 *.sources first, then one-line sources.list). Never a hardcoded host.
configured_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    # deb822 stanzas are separated by blank lines; keep Types: deb stanzas with Suites containing bookworm
    awk -v suite="$SUITE" '
      BEGIN { RS=""; FS="\n" }
      {
        types=""; uris=""; suites=""; enabled="yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (tolower(line) ~ /^types:/)   { sub(/^[^:]*:[ \t]*/, "", line); types = line }
          if (tolower(line) ~ /^uris:/)    { sub(/^[^:]*:[ \t]*/, "", line); uris = line }
          if (tolower(line) ~ /^suites:/)  { sub(/^[^:]*:[ \t]*/, "", line); suites = line }
          if (tolower(line) ~ /^enabled:/) { sub(/^[^:]*:[ \t]*/, "", line); enabled = tolower(line) }
        }
        if (enabled == "no") next
        if ((" " types " ") !~ / deb /) next
        if ((" " suites " ") !~ (" " suite " ")) next
        split(uris, u, /[ \t]+/); print u[1]; exit
      }' "$f"
  done
  if [ -r /etc/apt/sources.list ]; then
    # deb [options] URI suite components...
    sed -E 's/\[[^]]*\]//' /etc/apt/sources.list |
      awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }'
  fi
}
MIRROR=${DEBIAN_MIRROR:-$(configured_mirror | head -n1)}
[ -n "$MIRROR" ] || { log "no Debian $SUITE mirror in /etc/apt/sources.list{,.d/*.sources}; set DEBIAN_MIRROR"; exit 1; }

ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/qk-base-rootfs.XXXXXX")
cleanup() {
  for m in proc sys dev/pts; do mountpoint -q "$ROOTFS/$m" 2>/dev/null && umount -l "$ROOTFS/$m" || true; done
  [ "${KEEP_ROOTFS:-0}" = 1 ] || rm -rf --one-file-system "$ROOTFS"
}
trap cleanup EXIT

start=$(date +%s)
log "debootstrap --variant=minbase $SUITE from $MIRROR (+ $JRE) into $ROOTFS"
# --include resolves the JRE's dependencies; ca-certificates-java's trigger runs in the second stage.
debootstrap --variant=minbase --include="$JRE" "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.debootstrap.log" 2>&1 || {
  tail -n 40 "$ROOTFS.debootstrap.log" >&2; [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -n 40 "$ROOTFS/debootstrap/debootstrap.log" >&2
  log "debootstrap failed (full log: $ROOTFS.debootstrap.log)"; exit 1; }
rm -f "$ROOTFS.debootstrap.log"

chroot "$ROOTFS" groupadd --gid 1000 quorum
chroot "$ROOTFS" useradd --uid 1000 --gid 1000 --home-dir /home/quorum --create-home --shell /usr/sbin/nologin quorum

# The image's apt points at the same mirror; caches, docs and man pages are not needed at runtime.
echo "deb $MIRROR $SUITE main" >"$ROOTFS/etc/apt/sources.list"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log \
  "$ROOTFS"/var/log/apt/* "$ROOTFS"/tmp/* 2>/dev/null || true

JAVA_HOME_IN=$(dirname "$(dirname "$(chroot "$ROOTFS" readlink -f /usr/bin/java)")")
tar --numeric-owner -C "$ROOTFS" -c . |
  docker import \
    --change "ENV LANG=C.UTF-8" \
    --change "ENV JAVA_HOME=$JAVA_HOME_IN" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap --variant=minbase $SUITE + $JRE + user quorum (1000)" \
    - "$BASE_IMAGE" >/dev/null
# The real check, in a container (a bare chroot lacks /proc, which the java launcher needs to find libjli).
docker run --rm --user 1000 "$BASE_IMAGE" java -version >/dev/null 2>&1 ||
  { docker image rm "$BASE_IMAGE" >/dev/null 2>&1 || true; log "java does not run as uid 1000 in $BASE_IMAGE; removed it"; exit 1; }
log "built $BASE_IMAGE in $(($(date +%s) - start)) s ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
