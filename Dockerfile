# One image recipe for every service: docker-compose passes the module to build as MODULE.
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -pl ${MODULE} -am package -DskipTests

FROM eclipse-temurin:17-jre
ARG MODULE
RUN if [ "$MODULE" = "ingest-gateway" ]; then apt-get update && apt-get install -y --no-install-recommends liblc3-dev libfaad-dev && rm -rf /var/lib/apt/lists/*; fi
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/service.jar
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-jar", "/app/service.jar"]
