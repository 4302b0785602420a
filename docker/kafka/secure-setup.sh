#!/usr/bin/env bash
# Makes what docker-compose.secure.yml needs, in docker/kafka/secrets/ (git-ignored; nothing here is ever committed):
#
#   ca.pem, server.p12, keystore_creds   a throw-away certificate authority and the broker's key pair for the host
#                                        names kafka and localhost, signed by it (keytool; the CA's own key is
#                                        deleted once it has signed); the key store's random password
#   kafka_server_jaas.conf               the broker's PLAIN users: broker (inter-broker, controller) and admin (the
#                                        operator), both super users
#   admin.properties                     the operator's client config (kafka-setup, kafka-*.sh --command-config)
#   healthcheck.properties               the same, for the broker container's own healthcheck
#   scram-users.properties               one SCRAM-SHA-512 user per service, random passwords (kafka-setup creates them)
#   secure.env                           the passwords compose needs: docker compose --env-file docker/kafka/secrets/secure.env
#
#   docker/kafka/secure-setup.sh [--force]      (--force makes everything again; otherwise existing material is kept)
#
# Needs keytool (any JDK or JRE). The files are readable by the containers' users (the broker runs as uid 1000, the
# services as 10001): fine for a development stack; in production use your platform's secret store.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)/secrets"
if [ -f "$DIR/secure.env" ] && [ "${1:-}" != --force ]; then
  echo "secure-setup: $DIR already holds the material (--force to make it again)"
  exit 0
fi
command -v keytool >/dev/null 2>&1 || { echo "secure-setup: keytool (from a JDK or JRE) is needed" >&2; exit 1; }
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
KEYSTORE_PASSWORD="$(random)"
CA_PASSWORD="$(random)"
BROKER_PASSWORD="$(random)"
ADMIN_PASSWORD="$(random)"

keytool -genkeypair -alias ca -keyalg RSA -keysize 3072 -validity 825 -dname "CN=rstt compose CA" -ext bc:c \
  -storetype PKCS12 -keystore ca.p12 -storepass "$CA_PASSWORD" -keypass "$CA_PASSWORD" 2>/dev/null
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$CA_PASSWORD" -file ca.pem 2>/dev/null
keytool -genkeypair -alias server -keyalg RSA -keysize 3072 -validity 825 -dname "CN=kafka" -storetype PKCS12 \
  -keystore server.p12 -storepass "$KEYSTORE_PASSWORD" -keypass "$KEYSTORE_PASSWORD" 2>/dev/null
keytool -certreq -alias server -keystore server.p12 -storepass "$KEYSTORE_PASSWORD" -file server.csr 2>/dev/null
keytool -gencert -rfc -alias ca -keystore ca.p12 -storepass "$CA_PASSWORD" -infile server.csr -outfile server.pem \
  -validity 825 -ext SAN=dns:kafka,dns:localhost,ip:127.0.0.1 -ext KU=digitalSignature,keyEncipherment \
  -ext EKU=serverAuth,clientAuth 2>/dev/null
keytool -importcert -noprompt -alias ca -file ca.pem -keystore server.p12 -storepass "$KEYSTORE_PASSWORD" 2>/dev/null
keytool -importcert -noprompt -alias server -file server.pem -keystore server.p12 -storepass "$KEYSTORE_PASSWORD" \
  2>/dev/null
rm -f ca.p12 server.csr server.pem
printf '%s' "$KEYSTORE_PASSWORD" >keystore_creds

cat >kafka_server_jaas.conf <<JAAS
KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="broker" password="$BROKER_PASSWORD"
  user_broker="$BROKER_PASSWORD"
  user_admin="$ADMIN_PASSWORD";
};
JAAS

client_config() { # bootstrap truststore
  cat <<PROPS
bootstrap.servers=$1
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$2
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$ADMIN_PASSWORD";
PROPS
}
client_config kafka:19093 /etc/rstt/kafka/ca.pem >admin.properties
client_config localhost:19093 /etc/kafka/secrets/ca.pem >healthcheck.properties

: >scram-users.properties
{
  echo "RSTT_KAFKA_KEYSTORE_PASSWORD=$KEYSTORE_PASSWORD"
  echo "RSTT_INTERNAL_SECRET=${RSTT_INTERNAL_SECRET:-$(random)$(random)}"
} >secure.env
for service in ingest-gateway stt-worker batch-worker transcript-merger; do
  password="$(random)"
  echo "$service=$password" >>scram-users.properties
  echo "RSTT_KAFKA_PASSWORD_$(echo "$service" | tr 'a-z-' 'A-Z_')=$password" >>secure.env
done
chmod 755 "$DIR"
chmod 644 "$DIR"/*
echo "secure-setup: wrote $(ls | tr '\n' ' ')to $DIR"
echo "secure-setup: docker compose --env-file $DIR/secure.env -f docker-compose.yml -f docker-compose.secure.yml up -d"
