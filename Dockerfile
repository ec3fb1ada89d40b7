# syntax=docker/dockerfile:1
#
# TwisterLab server image.   docker build -t twisterlab .
#                            docker run --rm -p 8000:8000 twisterlab
# Multi-stage: Maven builds the shaded jar; the runtime stage is a JRE with nothing else added, running as a
# non-root user, compatible with a read-only root filesystem (only /tmp must be writable).
# No secrets are baked in: API key hashes, the Redis URL etc. come from the environment at run time.

############################ build ############################
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src

# The reactor needs every module's POM; .dockerignore keeps out .git, target/, k8s/ (and its secrets.env).
COPY . .

# .git is not in the context, so pass the commit for --version and twisterlab_build_info{revision}:
#   docker build --build-arg TWISTERLAB_REVISION=$(git rev-parse HEAD) -t twisterlab .   (default: unknown)
ARG TWISTERLAB_REVISION=unknown

# -pl/-am: build the server and what it depends on. Tests ran in CI already ("./mvnw -B verify").
# The BuildKit cache mount keeps ~/.m2 between builds, so dependencies download once.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests "-Dtwisterlab.revision=${TWISTERLAB_REVISION}" -pl twisterlab-server -am package \
 && cp twisterlab-server/target/twisterlab-server.jar /twisterlab-server.jar

############################ runtime ############################
FROM eclipse-temurin:21-jre-noble AS runtime

LABEL org.opencontainers.image.title="twisterlab-server" \
      org.opencontainers.image.description="TwisterLab: operational agents over HTTP and MCP, with a GCRA rate limiter"

# Fixed numeric ids so that Kubernetes' runAsNonRoot can verify them (k8s/api-deployment.yaml uses 10001).
RUN groupadd --system --gid 10001 twisterlab \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin twisterlab

WORKDIR /app
COPY --from=build --chown=0:0 --chmod=0444 /twisterlab-server.jar /app/twisterlab-server.jar

# Custom agents: every *.jar in /app/plugins is loaded at start-up (README "Custom agents as plugins"). Empty here;
# fill it in a derived image (COPY greeter.jar /app/plugins/) or mount a volume over it (Kubernetes: an emptyDir that
# an init container copies the plugin into). Owned by root and read-only for the server user.
RUN mkdir -p /app/plugins && chmod 0755 /app/plugins

# Listen on every interface inside the container (the server's own default is 127.0.0.1).
ENV TWISTERLAB_HOST=0.0.0.0 \
    TWISTERLAB_PORT=8000 \
    TWISTERLAB_PLUGINS_DIR=/app/plugins

EXPOSE 8000

# No HEALTHCHECK: Kubernetes ignores it and uses the probes on /health and /ready (k8s/api-deployment.yaml),
# and a HEALTHCHECK would need curl or wget in the image, which this image deliberately does not add.
# With plain Docker, check http://localhost:8000/health from outside the container.

USER 10001:10001

# Exec form: java is PID 1 and receives SIGTERM directly (graceful drain). Container-aware heap sizing;
# exit on OutOfMemoryError so that the orchestrator restarts a clean JVM. Extra JVM flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70.0", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-jar", "/app/twisterlab-server.jar"]
