# One image recipe for every service; docker-compose.yml passes the module as MODULE. It packages the exec jar
# that `mvn -B -ntp package -DskipTests` builds (target/<module>-exec.jar), split into Spring Boot's layers so a
# code change rebuilds only the last layer. Needs no BuildKit feature (the classic builder builds it).
#
#   mvn -B -ntp package -DskipTests && docker compose build
#
# JRE_IMAGE is any Java 17 runtime with bash (eclipse-temurin:17-jre by default). Where no image registry can be
# reached, docker/local-images.sh builds one from Debian packages: JRE_IMAGE=rstt-local/jre:17 docker-compose build.
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JRE_IMAGE} AS layers
ARG MODULE
WORKDIR /layers
COPY ${MODULE}/target/${MODULE}-exec.jar service.jar
# A jar without Spring (the emulator) cannot be split by Spring Boot's jar tools and goes in whole.
RUN if java -Djarmode=tools -jar service.jar extract --layers --destination extracted >/dev/null 2>&1; then \
      mv extracted/application/*.jar extracted/application/app.jar; \
    else \
      rm -rf extracted && mkdir -p extracted/application && cp service.jar extracted/application/app.jar; \
    fi \
 && mkdir -p extracted/dependencies extracted/spring-boot-loader extracted/snapshot-dependencies

FROM ${JRE_IMAGE}
ARG MODULE
# The service's HTTP port and its health path (the emulator serves /health; Spring services /actuator/health).
ARG PORT=8080
ARG HEALTH_PATH=/actuator/health
LABEL org.opencontainers.image.title="rstt ${MODULE}"
# The gateway decodes LC3 and AAC through liblc3 and libfaad2 (JNA loads liblc3.so/libfaad.so); the local base
# image has them already, a public one gets them from its distribution.
RUN if [ "$MODULE" = "ingest-gateway" ] && ! ls /usr/lib/*/liblc3.so /usr/lib/*/libfaad.so >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends liblc3-dev libfaad-dev \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin rstt \
 && mkdir -p /app /var/lib/rstt/merger \
 && chown rstt:rstt /var/lib/rstt/merger
WORKDIR /app
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
COPY docker/service/healthcheck /usr/local/bin/healthcheck
ENV SERVER_PORT=${PORT} \
    HEALTH_PATH=${HEALTH_PATH} \
    RSTT_SERVICE=${MODULE} \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError -Xss512k"
USER 10001:10001
EXPOSE ${PORT}
# Container-aware JVM: heap sized from the container's memory limit (MaxRAMPercentage), processors from its CPU
# quota (the JVM's default container support). Add flags with JDK_JAVA_OPTIONS; arguments go after the image.
HEALTHCHECK --interval=10s --timeout=6s --start-period=90s --retries=3 CMD ["healthcheck"]
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
