#!/bin/bash
# Starts a single KRaft broker the way the apache/kafka image does, from its environment:
# every KAFKA_<NAME> variable becomes the server property <name> (lower case, "_" -> ".",
# "__" -> "_", "___" -> "-"), CLUSTER_ID formats the log directory the first time. The JVM settings
# (KAFKA_HEAP_OPTS, KAFKA_OPTS, ...) are not properties. So docker-compose.yml's kafka service runs
# unchanged on this image and on apache/kafka.
set -euo pipefail

config=/opt/kafka/config/server.properties
: > "${config}"
while IFS='=' read -r name value; do
  case "${name}" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_JMX_OPTS|KAFKA_VERSION|KAFKA_HOME) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  property="${name#KAFKA_}"
  property="${property,,}"
  property="${property//___/-}"
  property="${property//__/@}"
  property="${property//_/.}"
  property="${property//@/_}"
  printf '%s=%s\n' "${property}" "${value}" >> "${config}"
done < <(env)

log_dirs=$(sed -n 's/^log\.dirs=//p' "${config}")
first_dir="${log_dirs%%,*}"
if [[ -n "${first_dir}" && ! -f "${first_dir}/meta.properties" ]]; then
  : "${CLUSTER_ID:?CLUSTER_ID is needed to format ${first_dir} the first time}"
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "${CLUSTER_ID}" --config "${config}" --ignore-formatted
fi

exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "${config}"
