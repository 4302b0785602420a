#!/usr/bin/env bash
# Builds, from Debian packages and Maven Central only, local stand-ins for the public images that the Dockerfile
# and docker-compose.yml use, for a machine that runs a Docker engine but cannot pull from an image registry.
# With internet, none of this is needed: the public images are pulled as usual.
#
#   docker/local-images.sh [base|kafka|prometheus|all]... [--rebuild]      (default: all; existing images are kept)
#
#   rstt-local/jre:17         Debian bookworm (minbase) + openjdk-17-jre-headless + the gateway's codec libraries, made with debootstrap from the
#                             Debian mirror apt uses. Stands in for eclipse-temurin:17-jre: pass it to builds as
#                             JRE_IMAGE=rstt-local/jre:17 (the Dockerfile's build argument).
#   apache/kafka:4.1.2        a KRaft broker from the Kafka 4.1.2 jars (docker/kafka/), tagged with the public name
#                             so docker-compose.yml and Testcontainers find it locally and pull nothing.
#   prom/prometheus:v2.42.0   Debian's prometheus 2.42.0 binary on that base, tagged with the public name.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASE_IMAGE="${JRE_IMAGE_LOCAL:-rstt-local/jre:17}"
KAFKA_IMAGE="apache/kafka:4.1.2"
PROMETHEUS_IMAGE="prom/prometheus:v2.42.0"
REBUILD=0
targets=()
for a in "$@"; do
  case "$a" in
    --rebuild) REBUILD=1 ;;
    base|kafka|prometheus) targets+=("$a") ;;
    all) targets+=(base kafka prometheus) ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(base kafka prometheus)

have_image() { [ "$REBUILD" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "local-images: $*" >&2; }

# The Debian mirror apt uses (deb822 sources or the one-line format), so debootstrap needs no other host.
debian_mirror() {
  local uri
  uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  if [ -z "$uri" ]; then
    uri="$(awk '$1 == "deb" && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      2>/dev/null || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base() {
  if have_image "$BASE_IMAGE"; then log "$BASE_IMAGE present"; return; fi
  command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  local dir mirror
  dir="$(mktemp -d /tmp/rstt-rootfs.XXXXXX)"
  mirror="$(debian_mirror)"
  log "debootstrap bookworm + openjdk-17-jre-headless from $mirror into $dir"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,liblc3-dev,libfaad-dev bookworm "$dir" "$mirror" >"$dir.log" 2>&1 \
    || { log "debootstrap failed, see $dir.log"; tail -n 20 "$dir.log" >&2; exit 1; }
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import \
    -c 'ENV LANG=C.UTF-8 JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    -c 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$dir" "$dir.log"
  log "built $BASE_IMAGE"
}

build_kafka() {
  if have_image "$KAFKA_IMAGE"; then log "$KAFKA_IMAGE present"; return; fi
  local ctx
  ctx="$(mktemp -d /tmp/rstt-kafka-image.XXXXXX)"
  cp -r "$ROOT/docker/kafka/." "$ctx/"
  log "copying the Kafka broker jars (docker/kafka/pom.xml)"
  mvn -B -ntp -q -f "$ctx/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ctx/libs"
  docker build -q --build-arg JRE_IMAGE="$BASE_IMAGE" -t "$KAFKA_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $KAFKA_IMAGE"
}

build_prometheus() {
  if have_image "$PROMETHEUS_IMAGE"; then log "$PROMETHEUS_IMAGE present"; return; fi
  command -v prometheus >/dev/null || { log "prometheus is missing (apt-get install prometheus)"; exit 1; }
  local ctx
  ctx="$(mktemp -d /tmp/rstt-prometheus-image.XXXXXX)"
  cp "$ROOT/docker/prometheus/Dockerfile.local" "$ctx/Dockerfile"
  cp "$(command -v prometheus)" "$(command -v promtool)" "$ctx/"
  docker build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$PROMETHEUS_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $PROMETHEUS_IMAGE"
}

for t in "${targets[@]}"; do
  start=$SECONDS
  case "$t" in
    base) build_base ;;
    kafka) build_base; build_kafka ;;
    prometheus) build_base; build_prometheus ;;
  esac
  log "$t: $((SECONDS - start)) s"
done
