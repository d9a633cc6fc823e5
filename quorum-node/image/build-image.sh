#!/usr/bin/env bash
# Builds quorum-keeper/quorum-node:<kafka version> from the module's `package` output
# (quorum-node/target/quorum-node.jar + target/lib/) with image/Dockerfile, offline:
# the default base is quorum-keeper/base:bookworm, made here by build-base.sh when missing.
# Another Kafka version's layout makes that version's image, e.g. quorum-keeper/quorum-node:4.3.1:
#   TARGET=quorum-node/target/kafka-4.3.1 quorum-node/image/build-image.sh   (docs/upgrades.md)
#
# Environment:
#   BASE           base image (default quorum-keeper/base:bookworm; any other, e.g. eclipse-temurin:17-jre,
#                  is used as is and build-base.sh is not run)
#   IMAGE          image name (default quorum-keeper/quorum-node:<KAFKA_VERSION>)
#   KAFKA_VERSION  default: read from target/lib/kafka_2.13-<version>.jar
#   TARGET         the layout to package, quorum-node.jar + lib/ (default quorum-node/target)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${TARGET:-$HERE/../target}
DEFAULT_BASE=quorum-keeper/base:bookworm
BASE=${BASE:-$DEFAULT_BASE}

log() { echo "build-image: $*" >&2; }

if [ ! -f "$TARGET/quorum-node.jar" ] || [ ! -d "$TARGET/lib" ]; then
  log "no $TARGET/quorum-node.jar + lib/; run ./mvnw -pl quorum-node -am package -DskipTests first"
  exit 1
fi
if [ -z "${KAFKA_VERSION:-}" ]; then
  kafka_jar=$(cd "$TARGET/lib" && ls kafka_2.13-*.jar 2>/dev/null | head -n1)
  KAFKA_VERSION=${kafka_jar#kafka_2.13-}
  KAFKA_VERSION=${KAFKA_VERSION%.jar}
  [ -n "$KAFKA_VERSION" ] || { log "no kafka_2.13-*.jar in $TARGET/lib; set KAFKA_VERSION"; exit 1; }
fi
IMAGE=${IMAGE:-quorum-keeper/quorum-node:$KAFKA_VERSION}

if [ "$BASE" = "$DEFAULT_BASE" ]; then
  BASE_IMAGE=$BASE "$HERE/build-base.sh"
fi

# A context of exactly what the image needs (not the whole target/, which holds test data).
CONTEXT=$TARGET/image-context
rm -rf "$CONTEXT"
mkdir -p "$CONTEXT/lib"
cp -l "$TARGET/quorum-node.jar" "$CONTEXT/" 2>/dev/null || cp "$TARGET/quorum-node.jar" "$CONTEXT/"
cp -l "$TARGET"/lib/*.jar "$CONTEXT/lib/" 2>/dev/null || cp "$TARGET"/lib/*.jar "$CONTEXT/lib/"
cp "$HERE/Dockerfile" "$CONTEXT/Dockerfile"

start=$(date +%s)
log "docker build $IMAGE (BASE=$BASE, Kafka $KAFKA_VERSION)"
docker build -q --build-arg "BASE=$BASE" --build-arg "KAFKA_VERSION=$KAFKA_VERSION" -t "$IMAGE" "$CONTEXT" >/dev/null
log "built $IMAGE in $(($(date +%s) - start)) s"
echo "$IMAGE"
