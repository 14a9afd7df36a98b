#!/usr/bin/env bash
# Container smoke test (npm run image:test): builds the Dockerfile and runs the image for real,
# without and with Redis, checking /healthz, /readyz, a client-credentials token, the non-root
# user, the HEALTHCHECK, and that SIGTERM stops it within seconds. Not part of `npm test`
# (a cold build takes minutes). Works with docker or podman.
#
# Settings (environment):
#   CONTAINER_ENGINE=docker|podman  default: podman if installed, else docker
#   IMAGE=tollgate:image-test       tag to build
#   BASE_STANDIN=<image>            tag this local image as the Dockerfile's pinned base first
#                                   (machines that cannot pull it, e.g. a local node:24-slim)
#   SKIP_BUILD=1                    test an IMAGE already built
#   REMOVE_IMAGE=1                  remove IMAGE afterwards (default: kept, so a rerun is cached)
#
# "With Redis": a redis-server on the host's loopback, reached by a container on the host's
# network (--network host). A second container would need a Redis image (none is pullable on
# machines without a registry), and a bridged container cannot reach the host's 127.0.0.1.
# That run also sets the port only in a mounted config/tollgate.json, so the HEALTHCHECK is
# tested against a port that does not come from PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${CONTAINER_ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
IMAGE=${IMAGE:-localhost/tollgate:image-test}
SECRET=image-test-demo-secret-0123456789
PEPPER=image-test-secret-pepper-0123456789abcdef
NAME=tollgate-image-test-$$
WORK=$(mktemp -d)
REDIS_PID=
FAILED=0

log() { printf '[image-test %(%H:%M:%S)T] %s\n' -1 "$*"; }
fail() { log "FAIL: $*"; FAILED=1; }
now_ms() { date +%s%3N; }

cleanup() {
  for container in "$NAME-plain" "$NAME-redis"; do
    "$ENGINE" rm -f "$container" >/dev/null 2>&1 || true
  done
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
  [[ -n ${REMOVE_IMAGE:-} ]] && "$ENGINE" rmi "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

# Waits for /healthz; prints how long it took from $2 (the `run` command) and from the moment
# the container's process started (what the server itself takes).
wait_healthy() {
  local url=$1 started=$2 container=$3 process_started
  for _ in $(seq 300); do
    if curl -sf -m 1 "$url/healthz" >/dev/null; then
      process_started=$(date -d "$("$ENGINE" container inspect "$container" --format '{{.State.StartedAt}}' | sed 's/ [A-Z]*$//')" +%s%3N)
      echo "$(($(now_ms) - started)) ms after run, $(($(now_ms) - process_started)) ms after the process started"
      return 0
    fi
    "$ENGINE" container inspect "$container" --format '{{.State.Running}}' 2>/dev/null | grep -q true || break
    sleep 0.1
  done
  "$ENGINE" logs "$container" >&2 || true
  return 1
}

check_running() {
  local container=$1 url=$2 expect_storage=$3
  local ready token user status
  ready=$(curl -s -m 5 "$url/readyz") || true
  [[ $ready == *'"status":"ready"'* && $ready == *"\"storage\":\"$expect_storage\""* ]] && log "GET /readyz -> $ready" || fail "/readyz: $ready"
  token=$(curl -s -m 5 -u "demo:$SECRET" -d grant_type=client_credentials "$url/token") || true
  [[ $token == *'"access_token":"'* && $token == *'"token_type":"Bearer"'* ]] && log "POST /token (client_credentials) -> access token issued" || fail "token: $token"
  user=$("$ENGINE" exec "$container" id -u) || true
  [[ -n $user && $user != 0 ]] && log "runs as: $("$ENGINE" exec "$container" id)" || fail "runs as uid '$user'"
  if [[ $ENGINE == podman ]]; then
    # No systemd timers here, so the check runs on demand, exactly as the timer would run it.
    if status=$(podman healthcheck run "$container" 2>&1); then log "HEALTHCHECK (podman healthcheck run) -> healthy"; else fail "HEALTHCHECK: $status"; fi
  else
    # Run with --health-interval 1s (below); docker reports the status it has seen.
    for _ in $(seq 30); do
      status=$(docker inspect "$container" --format '{{.State.Health.Status}}')
      [[ $status == healthy ]] && break
      sleep 1
    done
    [[ $status == healthy ]] && log "HEALTHCHECK -> healthy" || fail "HEALTHCHECK: $status"
  fi
}

stop_within_seconds() {
  local container=$1 started code took
  started=$(now_ms)
  "$ENGINE" stop -t 30 "$container" >/dev/null 2>>"$WORK/engine.log"
  took=$(($(now_ms) - started))
  code=$("$ENGINE" container inspect "$container" --format '{{.State.ExitCode}}')
  if [[ $code == 0 && $took -lt 10000 ]]; then log "SIGTERM -> exited $code after ${took} ms"; else fail "SIGTERM: exit code $code after ${took} ms"; fi
  "$ENGINE" rm -f "$container" >/dev/null 2>>"$WORK/engine.log"
}

health_args=()
[[ $ENGINE == docker ]] && health_args=(--health-interval 1s --health-start-period 0s)

# --- build -----------------------------------------------------------------------------------
base=$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)
if [[ -n ${BASE_STANDIN:-} ]]; then
  log "tagging the local stand-in $BASE_STANDIN as docker.io/library/$base"
  "$ENGINE" tag "$BASE_STANDIN" "docker.io/library/$base"
fi
if [[ -z ${SKIP_BUILD:-} ]]; then
  build_args=(--build-arg "VERSION=$(sed -n 's/^  "version": "\(.*\)",/\1/p' package.json)" --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
  [[ $ENGINE == podman ]] && build_args+=(--format docker)  # OCI image configs have no HEALTHCHECK
  log "$ENGINE build -t $IMAGE . (base $base)"
  started=$SECONDS
  "$ENGINE" build "${build_args[@]}" -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; log "FAIL: build"; exit 1; }
  log "built in $((SECONDS - started)) s"
fi
image_size=$("$ENGINE" image inspect "$IMAGE" --format '{{.Size}}')
base_size=$("$ENGINE" image inspect "docker.io/library/$base" --format '{{.Size}}' 2>/dev/null || echo 0)
log "image $IMAGE: $((image_size / 1000000)) MB, of which our layers (above the base) $(((image_size - base_size) / 1000000)) MB"
"$ENGINE" image inspect "$IMAGE" --format '{{range $k, $v := .Config.Labels}}{{println $k "=" $v}}{{end}}' | grep opencontainers | sed 's/^/  label /'
maps=$("$ENGINE" run --rm --entrypoint sh "$IMAGE" -c 'find /app/dist -name "*.map" | wc -l' 2>>"$WORK/engine.log")
[[ $maps == 0 ]] && log "no source maps in /app/dist" || fail "$maps source maps in /app/dist"

# --- without Redis: the in-process store, port published from the bridge network -------------
port=$(free_port)
url=http://127.0.0.1:$port
log "run without Redis: -p 127.0.0.1:$port:3000"
started=$(now_ms)
"$ENGINE" run -d --name "$NAME-plain" "${health_args[@]}" -p "127.0.0.1:$port:3000" \
  -e "TOLLGATE_ISSUER=$url" -e TOLLGATE_DEMO=true -e "TOLLGATE_DEMO_SECRET=$SECRET" "$IMAGE" >/dev/null 2>>"$WORK/engine.log"
if ms=$(wait_healthy "$url" "$started" "$NAME-plain"); then
  log "GET /healthz -> 200, $ms"
  check_running "$NAME-plain" "$url" memory
  stop_within_seconds "$NAME-plain"
else
  fail "no /healthz answer on $url"
fi

# --- with Redis on the host's loopback, port from the config file -------------------------------
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --logfile "$WORK/redis.log" &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
port=$(free_port)
url=http://127.0.0.1:$port
printf '{ "port": %s, "host": "127.0.0.1" }\n' "$port" >"$WORK/tollgate.json"
chmod 644 "$WORK/tollgate.json"
log "run with Redis: --network host, redis://127.0.0.1:$redis_port, port $port from config/tollgate.json"
started=$(now_ms)
"$ENGINE" run -d --name "$NAME-redis" "${health_args[@]}" --network host \
  -v "$WORK/tollgate.json:/app/config/tollgate.json:ro" -e "REDIS_URL=redis://127.0.0.1:$redis_port" \
  -e "TOLLGATE_SECRET_PEPPER=$PEPPER" -e "TOLLGATE_ISSUER=$url" -e TOLLGATE_DEMO=true -e "TOLLGATE_DEMO_SECRET=$SECRET" "$IMAGE" >/dev/null 2>>"$WORK/engine.log"
if ms=$(wait_healthy "$url" "$started" "$NAME-redis"); then
  log "GET /healthz -> 200, $ms"
  check_running "$NAME-redis" "$url" redis
  keys=$(redis-cli -p "$redis_port" dbsize)
  [[ $keys -gt 0 ]] && log "Redis holds $keys keys" || fail "nothing stored in Redis"
  stop_within_seconds "$NAME-redis"
else
  fail "no /healthz answer on $url"
fi

if [[ $FAILED == 0 ]]; then log "all checks passed"; else log "some checks FAILED"; exit 1; fi
