#!/usr/bin/env bash
# Runs the whole pipeline with docker compose on this machine and proves it moves files: the stack
# of docker-compose.yml (with docker-compose.local.yml's locally made images), an attachment API in
# a container with faults, real-shaped events posted to the ingester, and then:
#   1. a run: every file in the OneLake volume once with the source's SHA-256, one inventory row
#      per attachment (a missing attachment: one FAILED row and a dead letter); Prometheus has
#      scraped every worker (up == 1 for each target); the DLQ replay endpoint refuses a request
#      without the token and answers one with it; the monitoring page is served;
#   2. scaling: --scale download-worker=3 --scale upload-worker=2 during a run (the new containers'
#      partitions are shown), then back to 1 and another run;
#   3. crashes: a download worker's JVM killed (the restart policy brings it back) and an upload
#      worker container stopped with `docker kill` (`docker-compose up -d` brings it back) mid-run.
# Nothing lost, nothing duplicated, after each run. Exits non-zero on the first failed check.
#
#   sudo scripts/compose-check.sh          # KEEP=1 leaves the stack running afterwards,
#                                          # REUSE=1 runs against a stack that is already up
#
# Needs root (it installs and starts the engine when missing, see scripts/local-images.sh), a JDK
# (to compile its two Java files), the worker jars and the result processor's test jar (./mvnw
# package, made when missing). The compose project is "pipeline-check", with its own volumes and
# host ports (18080, 18085, 19090, 19094), so it does not touch a stack of your own.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)
step() { printf '%s [compose-check] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { printf '%s [compose-check] FAILED: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }

if [[ -z "${SKIP_IMAGES:-}" ]]; then
  t0=$(date +%s)
  scripts/local-images.sh all
  step "images ready in $(( $(date +%s) - t0 )) s"
fi

check_dir=$(mktemp -d /var/tmp/compose-check.XXXXXX)
export CHECK_DIR="${check_dir}"
project=pipeline-check
ingest_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
dlq_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat > "${check_dir}/check.env" <<ENV
COMPOSE_PROJECT_NAME=${project}
INGEST_TOKEN=${ingest_token}
PIPELINE_DLQ_AUTH_TOKEN=${dlq_token}
# Retries of a faulty source within seconds, not the production 5m..40m.
PIPELINE_RETRY_DELAYS=2s,4s,8s,16s
MONITORING_PORT=18080
DLQ_HANDLER_PORT=18085
PROMETHEUS_PORT=19090
KAFKA_EXTERNAL_PORT=19094
CHECK_DIR=${check_dir}
ENV
dc() {
  docker-compose -p "${project}" -f docker-compose.yml -f docker-compose.local.yml \
    -f scripts/compose-check/docker-compose.check.yml --env-file "${check_dir}/check.env" "$@"
}
cleanup() {
  if [[ -z "${KEEP:-}" ]]; then
    dc down -v --remove-orphans > /dev/null 2>&1 || true
    rm -rf "${check_dir}"
  else
    step "KEEP=1: the stack is still up (project ${project}, files in ${check_dir})"
  fi
}
trap cleanup EXIT

# The check's two programs: the source (JDK only) and the checker (on the result processor's
# classpath plus its test jar, which holds the inventory reader: the application has none).
mkdir -p "${check_dir}/classes" "${check_dir}/checker" "${check_dir}/files"
javac -d "${check_dir}/classes" scripts/compose-check/AttachmentSource.java
java -Djarmode=tools -jar result-processor/target/result-processor-*-exec.jar extract \
  --destination "${check_dir}/rp" > /dev/null
readers=$(compgen -G "result-processor/target/result-processor-*-tests.jar" | head -n 1 || true)
if [[ -z "${readers}" ]]; then
  step "building the result processor's test jar (./mvnw package -DskipTests)"
  ./mvnw -B -q -pl result-processor -am package -DskipTests
  readers=$(compgen -G "result-processor/target/result-processor-*-tests.jar" | head -n 1)
fi
classpath="${check_dir}/rp/*:${check_dir}/rp/lib/*:${root}/${readers}"
javac -nowarn -cp "${classpath}" -d "${check_dir}/checker" scripts/compose-check/ComposeCheck.java
check() { java -Dlogback.configurationFile="${root}/scripts/compose-check/logback.xml" -cp "${check_dir}/checker:${classpath}" ComposeCheck "$@"; }

volume_dir() { docker volume inspect -f '{{.Mountpoint}}' "${project}_$1"; }
containers() { docker ps -a --filter "label=com.docker.compose.project=${project}" --filter "label=com.docker.compose.service=$1" -q; }

# Waits until every running container of the project is healthy.
await_healthy() {
  local deadline=$(( $(date +%s) + ${1:-300} )) pending
  while :; do
    pending=$(docker ps --filter "label=com.docker.compose.project=${project}" --format '{{.Names}} {{.Status}}' \
      | grep -v '(healthy)' || true)
    [[ -z "${pending}" ]] && break
    (( $(date +%s) > deadline )) && { docker ps -a --filter "label=com.docker.compose.project=${project}"; fail "not healthy in time: ${pending}"; }
    sleep 2
  done
}
# Each worker container's start-up as Spring Boot logs it ("Started ... in N seconds").
startup_times() {
  local id name started
  for id in $(docker ps --filter "label=com.docker.compose.project=${project}" -q); do
    name=$(docker inspect -f '{{.Name}}' "${id}")
    started=$(docker logs "${id}" 2>&1 | grep -o 'Started [A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' | tail -1 || true)
    if [[ -n "${started}" ]]; then printf '  %-42s %s\n' "${name#/}" "${started}"; fi
  done | sort
}
assignment() {
  local group=$1
  dc exec -T kafka /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group "${group}" 2>/dev/null \
    | awk -v g="${group}" 'NR > 1 && $1 == g && $7 != "-" { n[$8]++ } END { for (h in n) printf "  %-22s %-20s %3d partitions\n", g, h, n[h] }' | sort || true
}
members() {
  assignment "$1" | wc -l
}
ingester() { echo "http://$(dc port event-ingester 8081)"; }
# Run names start with the time of day, so that runs against a reused stack do not meet.
prefix=r$(date +%H%M%S)
make_files() { check files "${check_dir}" "$1" "$2" "$3" "http://source:8000/files/"; }
post() { check post "${check_dir}" "$1" "$(ingester)" "${ingest_token}" "${2:-all}"; }
run() {
  make_files "$1" "$2" "$3"
  post "$1"
}
# How many of the run's files each download-worker container fetched, as the source saw it (by
# client address); fails when one of them fetched none.
downloads_by_container() {
  local body id name ip count
  body=$(dc exec -T source bash -c 'exec 3<>/dev/tcp/127.0.0.1/8000; printf "GET /clients?prefix=%s HTTP/1.0\r\n\r\n" "$0" >&3; cat <&3' "$1" \
    | tr -d '\r' | sed '1,/^$/d')
  for id in $(containers download-worker); do
    name=$(docker inspect -f '{{.Name}}' "${id}")
    ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "${id}")
    count=$(awk -v ip="${ip}" '$1 == ip { print $2 }' <<< "${body}")
    printf '  %-36s %-14s %5s requests for the run'"'"'s files\n' "${name#/}" "${ip}" "${count:-0}"
    (( ${count:-0} > 0 )) || fail "${name#/} fetched none of $1's files"
  done
}
verify() {
  check await "${check_dir}" "$1" "$(volume_dir onelake)" "$(volume_dir delta)/inventory" "${2:-300}"
  local left
  left=$(find "$(volume_dir cache)" -type f | wc -l)
  (( left == 0 )) || fail "$1: ${left} files left in the cache"
  step "$1: the cache is empty"
}

step "starting the stack (project ${project})"
[[ -n "${REUSE:-}" ]] || dc down -v --remove-orphans > /dev/null 2>&1 || true
t0=$(date +%s)
dc up -d --no-build
await_healthy 600
step "every service healthy $(( $(date +%s) - t0 )) s after docker-compose up"
startup_times
docker images --format '  image {{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'attachment-pipeline/|pipeline-local/' | sort

# ---- 1. a run, and every door ---------------------------------------------------------------------
step "run 1: plain"
run "${prefix}-plain" 200 1
verify "${prefix}-plain"
step "Prometheus targets"
deadline=$(( $(date +%s) + 120 ))
until check prometheus http://127.0.0.1:19090 event-ingester download-worker upload-worker result-processor dlq-handler monitoring-dashboard; do
  (( $(date +%s) > deadline )) && fail "Prometheus has not scraped every worker"
  sleep 5
done
step "DLQ replay endpoint"
body="{\"trace_id\": \"${prefix}-plain-trace-missing\", \"dry_run\": true, \"reason\": \"compose check\"}"
deadline=$(( $(date +%s) + 120 ))
until curl -sf "http://127.0.0.1:18085/api/dlq?trace_id=${prefix}-plain-trace-missing" | grep -q '"total":[1-9]'; do
  (( $(date +%s) > deadline )) && fail "the missing attachment's dead letter never reached the dlq-handler"
  sleep 2
done
without=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "${body}" http://127.0.0.1:18085/api/dlq/replay)
with=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' -H "Authorization: Bearer ${dlq_token}" -d "${body}" http://127.0.0.1:18085/api/dlq/replay)
echo "  replay without the token: ${without}; with it: ${with}"
[[ "${without}" == 401 ]] || fail "replay without the token answered ${without}, expected 401"
[[ "${with}" == *' 200' && "${with}" == *'"matched":1'* ]] || fail "replay with the token answered ${with}"
page=$(curl -s -w ' %{http_code}' http://127.0.0.1:18080/)
[[ "${page}" == *' 200' && "${page}" == *'<html'* ]] || fail "the monitoring page was not served: ${page: -200}"
echo "  monitoring page: 200, $(( ${#page} - 4 )) bytes of HTML"

# ---- 2. scaling -----------------------------------------------------------------------------------
step "run 2: scale to 3 download and 2 upload workers in the middle of a run"
make_files "${prefix}-scale-up" 400 2
post "${prefix}-scale-up" first
t0=$(date +%s)
dc up -d --no-build --no-recreate --scale download-worker=3 --scale upload-worker=2
await_healthy 600
deadline=$(( $(date +%s) + 180 ))
until (( $(members download-worker) == 3 && $(members upload-worker) == 2 )); do
  (( $(date +%s) > deadline )) && { assignment download-worker; assignment upload-worker; fail "the new containers did not take partitions"; }
  sleep 3
done
step "scaled: the new containers joined and hold partitions $(( $(date +%s) - t0 )) s after the scale command"
assignment download-worker
assignment upload-worker
post "${prefix}-scale-up" rest
verify "${prefix}-scale-up"
downloads_by_container "${prefix}-scale-up"
step "run 3: back to 1 download and 1 upload worker"
dc up -d --no-build --no-recreate --scale download-worker=1 --scale upload-worker=1
run "${prefix}-scale-down" 200 3
verify "${prefix}-scale-down"
assignment download-worker

# ---- 3. crashes -----------------------------------------------------------------------------------
step "run 4: a download worker's JVM killed and an upload worker container killed mid-run"
run "${prefix}-crash" 300 4
download=$(containers download-worker | head -1)
upload=$(containers upload-worker | head -1)
deadline=$(( $(date +%s) + 120 ))
until (( $(find "$(volume_dir onelake)" -path "*${prefix}-crash-A*" -type f | wc -l) >= 20 )); do
  (( $(date +%s) > deadline )) && fail "run 4 did not start"
  sleep 1
done
kill -9 "$(docker inspect -f '{{.State.Pid}}' "${download}")"
docker kill "${upload}" > /dev/null
step "killed: download worker JVM (SIGKILL of its process), upload worker (docker kill)"
deadline=$(( $(date +%s) + 60 ))
until [[ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "${download}")" == "1 true" ]]; do
  (( $(date +%s) > deadline )) && fail "the restart policy did not restart the download worker"
  sleep 1
done
echo "  download worker restarted by the restart policy: $(docker inspect -f 'restarts={{.RestartCount}} running={{.State.Running}}' "${download}")"
echo "  upload worker after docker kill: $(docker inspect -f 'running={{.State.Running}} exit={{.State.ExitCode}}' "${upload}") (a docker kill is a manual stop: no restart policy restarts it)"
dc up -d --no-build --no-recreate
await_healthy 300
echo "  upload worker after docker-compose up -d: $(docker inspect -f 'running={{.State.Running}}' "${upload}")"
verify "${prefix}-crash"
dc exec -T source bash -c 'exec 3<>/dev/tcp/127.0.0.1/8000; printf "GET /stats HTTP/1.0\r\n\r\n" >&3; tail -1 <&3' | sed 's/^/  source: /' || true

step "every check passed in $(( $(date +%s) - started )) s"
