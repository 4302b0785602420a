#!/usr/bin/env bash
# ./pipeline compose-test: the docker-compose stack as the integration-test stack (README "Deployment").
# On a machine with a Docker engine: builds the images (public base images when present or pullable, else the local
# stand-ins of docker/local-images.sh), starts the stack with two STT workers, waits until it is healthy, streams
# samples/tone-words-16k.wav through the gateway three times and checks every word exactly once, in order: a plain
# run (then Prometheus must scrape every service), a run with `docker kill` of the STT worker holding the session,
# a run with the broker frozen by `docker pause` for 8 s, and a run where both happen at moments drawn from a seed
# (COMPOSE_TEST_SEED, printed, reproduces them), possibly overlapping; then stops the stack, checks that every container exited
# on SIGTERM, and removes it. Where no engine answers it prints SKIPPED with the reason and exits 0 at once.
#
# COMPOSE_TEST_GATEWAY_PORT (18080) and COMPOSE_TEST_PROJECT (rstt-compose-test) keep it apart from ./pipeline up;
# JRE_IMAGE picks the base image. COMPOSE_TEST_SECURE=1 runs the same with docker-compose.secure.yml (Kafka with SASL
# over TLS and per-service ACLs; docker/kafka/secure-setup.sh makes its material first).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SERVICES=(deepgram-emulator transcript-merger stt-worker batch-worker ingest-gateway)
jar_of() { echo "$ROOT/$1/target/$1-exec.jar"; }
ct_log() { echo "compose-test: $*" >&2; }

compose_test() {
  local project="${COMPOSE_TEST_PROJECT:-rstt-compose-test}" port="${COMPOSE_TEST_GATEWAY_PORT:-18080}"
  local started=$SECONDS
  if ! command -v docker >/dev/null 2>&1; then
    ct_log "SKIPPED: no docker client on this machine (nothing was started)"; return 0
  fi
  if ! timeout 15 docker info >/dev/null 2>&1; then
    ct_log "SKIPPED: no Docker engine answers 'docker info' within 15 s (start dockerd first; nothing was started)"
    return 0
  fi
  if command -v docker-compose >/dev/null 2>&1; then CT_DC=(docker-compose)
  elif docker compose version >/dev/null 2>&1; then CT_DC=(docker compose)
  else ct_log "SKIPPED: neither docker-compose nor 'docker compose' is installed"; return 0; fi
  CT_DC+=(-p "$project" -f "$ROOT/docker-compose.yml")
  if [ "${COMPOSE_TEST_SECURE:-0}" = 1 ]; then
    # Kafka with SASL over TLS, one SCRAM principal per service and the ACLs of AclPlan (README "Security")
    "$ROOT/docker/kafka/secure-setup.sh" >&2
    set -a; . "$ROOT/docker/kafka/secrets/secure.env"; set +a
    CT_DC+=(-f "$ROOT/docker-compose.secure.yml")
    ct_log "secure: the broker with SASL_SSL listeners only and ACLs (docker-compose.secure.yml)"
  fi

  # Images: the public ones when present or pullable, else the local stand-ins of docker/local-images.sh.
  ct_image_or_local() { # image local-images-target
    docker image inspect "$1" >/dev/null 2>&1 && return 0
    timeout 60 docker pull -q "$1" >/dev/null 2>&1 && return 0
    ct_log "$1 cannot be pulled here: building a local stand-in (docker/local-images.sh $2)"
    "$ROOT/docker/local-images.sh" "$2"
  }
  if [ -z "${JRE_IMAGE:-}" ]; then
    if docker image inspect eclipse-temurin:17-jre >/dev/null 2>&1 \
        || timeout 60 docker pull -q eclipse-temurin:17-jre >/dev/null 2>&1; then
      export JRE_IMAGE=eclipse-temurin:17-jre
    else
      "$ROOT/docker/local-images.sh" base
      export JRE_IMAGE=rstt-local/jre:17
    fi
  fi
  ct_image_or_local apache/kafka:4.1.2 kafka
  local m
  for m in "${SERVICES[@]}" pipeline-tools; do
    if [ ! -f "$(jar_of "$m")" ]; then
      ct_log "building the exec jars (mvn package -DskipTests)"
      mvn -B -q -ntp package -DskipTests -pl "$(IFS=,; echo "${SERVICES[*]}"),pipeline-tools" -am >&2
      break
    fi
  done

  ct_down() {
    trap - INT TERM EXIT
    "${CT_DC[@]}" --profile observability down -v --remove-orphans >/dev/null 2>&1 || true
  }
  trap ct_down INT TERM EXIT
  export GATEWAY_PORT="$port"
  # The gateway in development mode, with the random secrets of ./pipeline's state directory (compose carries no
  # default; `./pipeline stream` signs with the same HS256 secret): RSTT_DEV_MODE, RSTT_GATEWAY_AUTH_HS256_SECRET and
  # RSTT_INTERNAL_SECRET, the gateway's credential for the merger's internal API.
  local env_file
  env_file="$(mktemp)"
  "$ROOT/pipeline" compose-env "$env_file" 2>/dev/null
  set -a; . "$env_file"; set +a
  rm -f "$env_file"
  "${CT_DC[@]}" --profile observability down -v --remove-orphans >/dev/null 2>&1 || true # an interrupted run's
  ct_log "building images (JRE_IMAGE=$JRE_IMAGE)"
  "${CT_DC[@]}" build -q >&2
  local t=$SECONDS
  "${CT_DC[@]}" up -d --scale stt-worker=2 >&2
  ct_wait_healthy 300 || { ct_dump; ct_log "FAILED: the stack did not become healthy"; return 1; }
  ct_log "stack healthy $((SECONDS - t)) s after 'up' ($("${CT_DC[@]}" ps -q | wc -l) containers)"

  ct_stream "plain run" "" || return 1
  ct_prometheus || return 1
  ct_stream "docker kill of the STT worker holding the session" ct_kill_owner || return 1
  ct_restart_killed || return 1
  ct_wait_healthy 180 || { ct_dump; ct_log "FAILED: the killed STT worker did not come back healthy"; return 1; }
  ct_stream "docker pause of the broker for 8 s" ct_pause_broker || return 1
  CT_SEED="${COMPOSE_TEST_SEED:-$(( $(date +%s) % 100000 ))}"
  ct_stream "overlapping kill and pause at seeded moments (COMPOSE_TEST_SEED=$CT_SEED reproduces them)" \
    ct_schedule || return 1
  ct_restart_killed || return 1
  ct_wait_healthy 180 || { ct_dump; ct_log "FAILED: the killed STT worker did not come back healthy"; return 1; }

  t=$SECONDS
  "${CT_DC[@]}" --profile observability stop >&2 2>/dev/null
  local bad
  bad="$(docker ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}} {{.Status}}' \
    | grep -v 'Exited (0)\|Exited (143)' || true)"
  if [ -n "$bad" ]; then ct_log "FAILED: not every container stopped cleanly:"; echo "$bad" >&2; return 1; fi
  ct_log "stopped cleanly in $((SECONDS - t)) s (every container exited 0 or 143 on SIGTERM)"
  ct_down
  ct_log "PASSED in $((SECONDS - started)) s"
}

ct_restart_killed() { # starts the killed STT worker again; one retry, and the reason shown if it cannot
  local out
  out="$("${CT_DC[@]}" up -d --no-recreate --scale stt-worker=2 2>&1)" && return 0
  sleep 3
  out="$("${CT_DC[@]}" up -d --no-recreate --scale stt-worker=2 2>&1)" && return 0
  echo "$out" >&2; ct_dump; ct_log "FAILED: docker compose could not start the killed STT worker again"; return 1
}

ct_containers() { docker ps -a --filter "label=com.docker.compose.project=${COMPOSE_TEST_PROJECT:-rstt-compose-test}" "$@"; }

ct_wait_healthy() { # seconds: every container runs, and those with a healthcheck are healthy
  local deadline=$((SECONDS + $1)) pending
  while :; do
    pending="$(ct_containers --format '{{.Names}} {{.Status}}' | grep -Ev ' Up .*\(healthy\)$| Up [^()]*$' || true)"
    [ -z "$pending" ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "$pending" >&2; return 1; }
    sleep 2
  done
}

ct_dump() { # the last log lines of every container, for a failed run
  local c
  for c in $(ct_containers --format '{{.Names}}'); do
    echo "---- $c" >&2; docker logs --tail 40 "$c" 2>&1 | sed 's/^/  /' >&2
  done
}

ct_metric() { # container port metric: the sum of a Prometheus family, read inside the container
  docker exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$2"'; printf "GET /actuator/prometheus HTTP/1.0\r\n\r\n" >&3;
    timeout 5 cat <&3' 2>/dev/null | awk -v m="$3" '$1 == m || index($1, m "{") == 1 {s += $2} END {print s + 0}'
}

ct_prometheus() { # Prometheus (profile observability) scrapes every service replica and sees the words merged
  ct_image_or_local prom/prometheus:v2.42.0 prometheus || return 1
  "${CT_DC[@]}" --profile observability up -d prometheus >&2 2>/dev/null
  local prom targets="" words="" deadline=$((SECONDS + 90))
  prom="$(ct_containers --filter "label=com.docker.compose.service=prometheus" --format '{{.Names}}')"
  while [ $SECONDS -lt $deadline ]; do
    targets="$(ct_prom_value "$prom" 'count(up==1)')"
    words="$(ct_prom_value "$prom" 'sum(rstt_merger_words_total)')"
    [ "${targets:-0}" = 5 ] && [ "${words%.*}" -ge 20 ] 2>/dev/null && break
    sleep 2
  done
  if [ "${targets:-0}" != 5 ] || ! [ "${words%.*}" -ge 20 ] 2>/dev/null; then
    ct_log "FAILED: Prometheus sees ${targets:-no} targets up (want 5: gateway, 2 STT workers, batch worker," \
      "merger) and ${words:-no} merged words (want at least 20)"
    docker logs --tail 20 "$prom" >&2
    return 1
  fi
  ct_log "Prometheus scrapes all 5 service containers and counts $words merged words"
}

ct_prom_value() { # container query: the value of a one-element instant vector ("" when none)
  docker exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9090; printf "GET /api/v1/query?query=%s HTTP/1.0\r\n\r\n" "$0" >&3;
    timeout 5 cat <&3' "$2" 2>/dev/null | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p'
}

ct_kill_owner() { # kills (SIGKILL) the STT worker that holds the live session
  local c owner=""
  for c in $(ct_containers --filter "label=com.docker.compose.service=stt-worker" --format '{{.Names}}'); do
    if [ "$(ct_metric "$c" 8081 rstt_stt_sessions_active)" != 0 ]; then owner="$c"; fi
  done
  [ -n "$owner" ] || { ct_log "no STT worker reports the session; killing the first"; \
    owner="$(ct_containers --filter "label=com.docker.compose.service=stt-worker" --format '{{.Names}}' | head -n 1)"; }
  ct_log "docker kill $owner"
  docker kill "$owner" >/dev/null
}

ct_pause_broker() { # [seconds]: freezes the broker (docker pause), 8 s by default
  local kafka seconds="${1:-8}"
  kafka="$(ct_containers --filter "label=com.docker.compose.service=kafka" --format '{{.Names}}')"
  ct_log "docker pause $kafka ($seconds s)"
  docker pause "$kafka" >/dev/null
  sleep "$seconds"
  docker unpause "$kafka" >/dev/null
}

ct_schedule() { # kills the session's STT worker and pauses the broker at moments drawn from CT_SEED; may overlap
  RANDOM=$CT_SEED
  local kill_at=$((RANDOM % 6)) pause_at=$((RANDOM % 6)) pause_for=$((3 + RANDOM % 6)) pauser
  ct_log "schedule: kill the session's STT worker at +$kill_at s, pause the broker at +$pause_at s for $pause_for s"
  (sleep "$pause_at"; ct_pause_broker "$pause_for") &
  pauser=$!
  sleep "$kill_at"
  ct_kill_owner
  wait "$pauser"
}

ct_stream() { # name fault-function: streams the sample at real-time pace, injects the fault 3 s into the session,
  # then checks that the final transcript holds every word exactly once, in order
  local name="$1" fault="$2" out rc=0 expected heard t=$SECONDS
  out="$(mktemp)"
  "$ROOT/pipeline" stream samples/tone-words-16k.wav >"$out" 2>&1 &
  local pid=$!
  if [ -n "$fault" ]; then
    local deadline=$((SECONDS + 60))
    until grep -q '^session ' "$out" || [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    sleep 3
    "$fault"
  fi
  wait "$pid" || rc=$?
  expected="$(for i in $(seq 0 19); do printf '%03d ' $((100 + i * 7)); done)"
  # The final transcript (read back from the gateway after the socket closed), its words in order, digits only.
  heard="$(sed -n '/^== final transcript/,$p' "$out" | sed -n 's/^ *\[[^]]*\] [^:]*: //p' | tr ' ' '\n' \
    | tr -cd '0-9\n' | grep -v '^$' | tr '\n' ' ')"
  if [ "$rc" != 0 ] || [ "$heard" != "$expected" ] || ! grep -q 'complete: true' "$out"; then
    ct_log "FAILED: $name: exit $rc"
    ct_log "  expected: $expected"
    ct_log "  heard:    $heard"
    sed 's/^/  | /' "$out" >&2
    ct_dump
    rm -f "$out"
    return 1
  fi
  ct_log "$name: 20 words, each exactly once, in order ($((SECONDS - t)) s)"
  rm -f "$out"
}

compose_test "$@"
