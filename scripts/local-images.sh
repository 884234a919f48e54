#!/usr/bin/env bash
# Makes every image docker-compose.yml needs on a machine that cannot pull from a public registry
# (docker-compose.local.yml names them), and starts a Docker engine first if there is none. Run as
# root (it installs Debian packages and starts dockerd when they are missing). Every step is
# skipped when its result is already there, so a second run takes seconds.
#
#   scripts/local-images.sh            # engine, base images, Kafka, Prometheus, every worker
#   scripts/local-images.sh engine     # only install and start the engine
#   scripts/local-images.sh base       # ... and make the JRE and Prometheus images (no Maven)
#
# Images:
#   pipeline-local/jre:17              Debian bookworm minbase + openjdk-17-jre-headless (debootstrap)
#   pipeline-local/prometheus:debian   Debian trixie minbase + prometheus (2.53) + wget
#   pipeline-local/kafka:<version>     the Kafka broker jars from Maven Central on the JRE image
#   attachment-pipeline/<worker>:<tag> the shared Dockerfile, JAR_SOURCE=prebuilt, on the JRE image
# Environment: PIPELINE_IMAGE_TAG (latest), LOCAL_IMAGES_WORK (/var/tmp/attachment-pipeline-images:
# the debootstrap trees), DEBIAN_MIRROR (http://deb.debian.org/debian), REBUILD_BASE=1 to make
# the base images again.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${LOCAL_IMAGES_WORK:-/var/tmp/attachment-pipeline-images}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tag=${PIPELINE_IMAGE_TAG:-latest}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' docker/kafka/pom.xml)
workers=(event-ingester download-worker upload-worker result-processor dlq-handler monitoring-dashboard)
step() { printf '%s [local-images] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

ensure_engine() {
  if ! command -v dockerd > /dev/null || ! command -v docker-compose > /dev/null || ! command -v debootstrap > /dev/null; then
    step "installing docker.io, docker-compose and debootstrap from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap > /dev/null
  fi
  if ! docker info > /dev/null 2>&1; then
    step "starting dockerd (log: /var/log/dockerd.log)"
    nohup dockerd > /var/log/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
      docker info > /dev/null 2>&1 && break
      sleep 1
    done
    docker info > /dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
  fi
}

# BuildKit builds the Dockerfile (it skips the unused stage and resolves local base images). The
# Debian engine's own CLI (20.10) has BuildKit built in; a newer CLI needs its buildx plug-in.
build() {
  if docker buildx version > /dev/null 2>&1; then
    docker buildx build --load -q "$@"
  elif [[ -x /usr/bin/docker ]] && /usr/bin/docker version --format '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.'; then
    DOCKER_BUILDKIT=1 /usr/bin/docker build -q "$@"
  else
    DOCKER_BUILDKIT=1 docker build -q "$@"
  fi
}

has_image() { docker image inspect "$1" > /dev/null 2>&1; }

# debootstrap a minbase tree of a Debian release with the given packages, run a command in it,
# import it with the given image settings. The trees stay in $work, so the image can be made again
# without the network.
base_image() {
  local name=$1 suite=$2 packages=$3 tree=$work/$4 prepare=$5
  shift 5
  if has_image "${name}" && [[ -z "${REBUILD_BASE:-}" ]]; then
    step "${name}: present"
    return
  fi
  if [[ ! -f "${tree}/.complete" ]]; then
    step "${name}: debootstrap ${suite} + ${packages} (a few minutes)"
    rm -rf "${tree}"
    mkdir -p "${work}"
    debootstrap --variant=minbase --include="${packages}" "${suite}" "${tree}" "${mirror}" > "${tree}.log" 2>&1 \
      || { tail -20 "${tree}.log" >&2; exit 1; }
    if mountpoint -q "${tree}/proc"; then umount "${tree}/proc"; fi
    rm -rf "${tree}"/usr/share/doc/* "${tree}"/usr/share/man/* "${tree}"/usr/share/locale/* \
      "${tree}"/var/cache/apt/*.bin "${tree}"/var/cache/apt/archives/*.deb "${tree}"/var/lib/apt/lists/*
    chroot "${tree}" sh -c "${prepare}"
    touch "${tree}/.complete"
  fi
  local changes=()
  for change in "$@"; do changes+=(--change "${change}"); done
  tar -C "${tree}" --exclude=./.complete -c . | docker import "${changes[@]}" - "${name}" > /dev/null
  step "${name}: imported"
}

base_images() {
  # The two trees are made at the same time: debootstrap waits on the network more than the CPU.
  base_image pipeline-local/jre:17 bookworm openjdk-17-jre-headless jre true \
    'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' 'ENV LANG=C.UTF-8' 'CMD ["bash"]' &
  local jre=$!
  # Debian 13's Prometheus (2.53): the workers' OpenMetrics carry exemplars on _count series, which
  # Prometheus before 2.43 (Debian 12 has 2.42) refuses, dropping the whole scrape. The TSDB
  # directory belongs to the user Prometheus runs as (a new volume takes its owner).
  base_image pipeline-local/prometheus:debian trixie prometheus,wget prometheus-trixie \
    'mkdir -p /prometheus && chown prometheus:prometheus /prometheus' \
    'USER prometheus' 'WORKDIR /prometheus' 'EXPOSE 9090' 'ENTRYPOINT ["/usr/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]' &
  local prometheus=$!
  wait "${jre}" || exit 1
  wait "${prometheus}" || exit 1
}

kafka_image() {
  if ! has_image "pipeline-local/kafka:${kafka_version}" || [[ -n "${REBUILD_BASE:-}" ]]; then
    step "pipeline-local/kafka:${kafka_version}: broker jars from Maven Central"
    rm -rf docker/kafka/libs
    ./mvnw -B -q -f docker/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="${root}/docker/kafka/libs"
    build --build-arg JRE_IMAGE=pipeline-local/jre:17 -t "pipeline-local/kafka:${kafka_version}" docker/kafka > /dev/null
    step "pipeline-local/kafka:${kafka_version}: built"
  else
    step "pipeline-local/kafka:${kafka_version}: present"
  fi
}

worker_images() {
  local missing=()
  for worker in "${workers[@]}"; do
    compgen -G "${worker}/target/${worker}-*-exec.jar" > /dev/null || missing+=("${worker}")
  done
  if (( ${#missing[@]} > 0 )); then
    step "building the jars of ${missing[*]} (./mvnw package -DskipTests)"
    ./mvnw -B -q -pl "$(IFS=,; echo "${missing[*]}")" -am package -DskipTests
  fi
  local context
  context=$(mktemp -d)
  trap 'rm -rf "${context}"' RETURN
  for worker in "${workers[@]}"; do
    rm -f "${context}"/*.jar
    ln "${worker}"/target/"${worker}"-*-exec.jar "${context}/${worker}.jar" 2>/dev/null \
      || cp "${worker}"/target/"${worker}"-*-exec.jar "${context}/${worker}.jar"
    build -f Dockerfile --build-arg WORKER="${worker}" --build-arg JAR_SOURCE=prebuilt \
      --build-arg JRE_IMAGE=pipeline-local/jre:17 -t "attachment-pipeline/${worker}:${tag}" "${context}" > /dev/null
    step "attachment-pipeline/${worker}:${tag}: built"
  done
}

case "${1:-all}" in
  engine) ensure_engine ;;
  base) ensure_engine; base_images ;;
  all) ensure_engine; base_images; kafka_image; worker_images ;;
  *) echo "usage: $0 [engine|base|all]" >&2; exit 2 ;;
esac
