# One image recipe for every worker. WORKER is the module directory:
#   event-ingester | download-worker | upload-worker | result-processor | dlq-handler | monitoring-dashboard
#
#   docker build --build-arg WORKER=download-worker -t attachment-pipeline/download-worker .
#
# Stage 1 gets the worker's Spring Boot jar, stage 2 splits it into Spring Boot's layers (libraries
# change less often than our classes, so a rebuild after a code change reuses the dependency
# layers), stage 3 runs it on a JRE as a non-root user. Needs BuildKit (the default builder of
# Docker 23+; DOCKER_BUILDKIT=1 on Docker 20.10), which also skips the stage 1 that is not used.
#
# Where the jar comes from (JAR_SOURCE):
#   source    (default) compiled here from the repository with the Maven wrapper; the build
#             context is the repository.
#   prebuilt  a jar built on the host (./mvnw package); the build context is a directory that
#             holds <WORKER>.jar and nothing else. For machines whose builds cannot reach Maven
#             Central; scripts/local-images.sh builds every worker this way:
#   docker build -f Dockerfile --build-arg WORKER=download-worker --build-arg JAR_SOURCE=prebuilt \
#       -t attachment-pipeline/download-worker <directory with download-worker.jar>
# JDK_IMAGE and JRE_IMAGE name the base images (eclipse-temurin by default; a locally made JRE
# image where nothing can be pulled).

ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre
ARG JAR_SOURCE=source

# ---- 1. the jar ---------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS jar-source
ARG WORKER
RUN test -n "${WORKER}" || (echo "--build-arg WORKER=<module directory> is required" >&2; exit 1)
WORKDIR /src
# Every module's pom is part of the reactor, so the whole tree is copied (.dockerignore keeps
# target/, data/ and .git out); only the worker and what it needs (-am: common) are compiled.
# The layout check is the test build's job (docs/adr/0033), not the image's.
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -ntp -pl "${WORKER}" -am package -DskipTests -Dspotless.check.skip=true \
 && cp "${WORKER}"/target/"${WORKER}"-*-exec.jar /application.jar

FROM scratch AS jar-prebuilt
ARG WORKER
COPY ${WORKER}.jar /application.jar

FROM jar-${JAR_SOURCE} AS jar

# ---- 2. extract the layers ---------------------------------------------------------------------
FROM ${JRE_IMAGE} AS layers
WORKDIR /layers
COPY --from=jar /application.jar application.jar
# Spring Boot 4's jar mode: one directory per layer (dependencies, spring-boot-loader,
# snapshot-dependencies, application), each laid out as the exploded jar, launcher included.
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

# ---- 3. run ------------------------------------------------------------------------------------
FROM ${JRE_IMAGE}
ARG WORKER
LABEL org.opencontainers.image.title="attachment-pipeline ${WORKER}"
# A fixed uid/gid so that a cache on NFS or Azure Files can be owned by the same id on every host.
RUN groupadd --system --gid 10001 pipeline \
 && useradd --system --uid 10001 --gid pipeline --home-dir /app --shell /usr/sbin/nologin pipeline \
 && mkdir -p /app /data/onelake /data/delta /cache /config \
 && chown -R pipeline:pipeline /app /data /cache
WORKDIR /app
# Least likely to change first, so that a code change rebuilds only the last layer.
COPY --from=layers --chown=pipeline:pipeline /layers/extracted/dependencies/ ./
COPY --from=layers --chown=pipeline:pipeline /layers/extracted/spring-boot-loader/ ./
COPY --from=layers --chown=pipeline:pipeline /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers --chown=pipeline:pipeline /layers/extracted/application/ ./
USER pipeline
# The JVM sizes its heap from the container's memory limit (cgroups), not the host's; a worker
# that runs out of memory exits so that the restart policy replaces it instead of limping on.
# Override JAVA_TOOL_OPTIONS to change them (the JVM reads it by itself). Logs are one JSON object a
# line in containers (LOG_FORMAT=text for plain lines).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError" \
    PIPELINE_DATA_DIR=/data \
    CACHE_DIR=/cache \
    PIPELINE_CONFIG=/config/config.yaml \
    LOG_FORMAT=json
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
