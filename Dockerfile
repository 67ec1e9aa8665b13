# syntax=docker/dockerfile:1
# synguard's image: built with Maven, clang and libbpf-dev on a JDK 25, run on a JRE 25 with the
# system libbpf. Run it with docker-compose.yml; docs/operations.md, "Running in a container",
# says what it needs from the host. (No Docker engine was at hand where this file was written:
# this image has not been built yet; the compose file is checked by the test suite.)
#
#   docker build -t synguard .

# Both are Ubuntu based (eclipse-temurin), so the build's libbpf headers and the runtime's
# libbpf1 come from the same distribution.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre

FROM ${BUILD_IMAGE} AS build
# golang-github-osrg-gobgp-dev: gobgpd's .proto files, from which gobgp-api generates its stubs (this
# distribution's gobgp; its v3 API carries FlowSpec as Debian's gobgpd 3.10 does)
RUN apt-get update \
	&& apt-get install -y --no-install-recommends clang llvm libbpf-dev linux-libc-dev dpkg-dev \
		golang-github-osrg-gobgp-dev \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
# the reactor reads every module's pom, benchmarks' too, though only these three are built
COPY pom.xml ./
COPY benchmarks/pom.xml benchmarks/
COPY dataplane-bpf dataplane-bpf
COPY gobgp-api gobgp-api
COPY controlplane controlplane
# the tests load BPF programs, which a build container may not: './synguard test' runs them
RUN --mount=type=cache,target=/root/.m2 \
	mvn -B -q -pl dataplane-bpf,gobgp-api,controlplane -DskipTests package \
	&& cp controlplane/target/synguard.jar /synguard.jar

FROM ${RUNTIME_IMAGE}
# libbpf1: the daemon calls libbpf.so.1 through FFM; curl: the health check
RUN apt-get update \
	&& apt-get install -y --no-install-recommends libbpf1 curl \
	&& rm -rf /var/lib/apt/lists/*
COPY --from=build /synguard.jar /opt/synguard/synguard.jar
COPY packaging/image/synguard packaging/image/entrypoint /usr/local/bin/
# the state volume and the mount point of the host's /sys/fs/bpf
RUN mkdir -p -m 0700 /var/lib/synguard && mkdir -p /run/synguard/bpffs
VOLUME /var/lib/synguard
ENV SYNGUARD_STATE_DIR=/var/lib/synguard \
	SYNGUARD_BPFFS=/run/synguard/bpffs
# /healthz answers without the token
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
	CMD curl -fsS -o /dev/null "http://${SYNGUARD_LISTEN:-127.0.0.1:9780}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/entrypoint"]
