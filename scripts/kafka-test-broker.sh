#!/usr/bin/env bash
# Runs a real single-node Apache Kafka 3.9.1 broker (KRaft, broker+controller in one JVM) on
# 127.0.0.1 for tests. The broker jars come from Maven Central because that is the only download
# source on our machines (no Docker). See /work/shared/kafka-test-broker.md for the background.
#
#   scripts/kafka-test-broker.sh fetch               download the jars into the cache (once)
#   scripts/kafka-test-broker.sh start [--keep-data] (re)start; prints KAFKA_BROKERS=127.0.0.1:<port>
#   scripts/kafka-test-broker.sh stop                SIGTERM, SIGKILL after 15 s
#   scripts/kafka-test-broker.sh kill                SIGKILL now (outage tests)
#   scripts/kafka-test-broker.sh status              exit 0 + brokers line if running, else exit 1
#
# Environment:
#   PARLEY_KAFKA_CACHE            jar cache        (default ~/.cache/parley/kafka-3.9.1)
#   PARLEY_KAFKA_DIR              state directory  (default <repo>/.kafka, git-ignored)
#   PARLEY_KAFKA_PORT             client port      (default 19092)
#   PARLEY_KAFKA_CONTROLLER_PORT  KRaft port       (default 19093)
#   PARLEY_KAFKA_SASL_SSL_PORT    optional: also listen SASL_SSL there (TLS + SCRAM-SHA-512,
#                                 SCRAM-SHA-256 or PLAIN)
#   PARLEY_KAFKA_MTLS_PORT        optional: also listen SSL there, client certificate required
#
# With either secured port the broker's certificate, a client certificate and the test CA that
# signed both are made with openssl under <state dir>/tls, and one user per SASL mechanism gets a
# random password; <state dir>/secured-listeners.json describes it all for the tests. Without them
# the broker is exactly the plaintext one.
#
# Only `VAR=value` lines go to stdout, so callers can `eval "$(... start)"`; the rest is stderr:
# KAFKA_BROKERS, and with a secured port KAFKA_TEST_SECURED_LISTENERS (the JSON file's path).
set -euo pipefail

readonly KAFKA_VERSION=3.9.1
readonly HOST=127.0.0.1 # not localhost: it may resolve to ::1
readonly START_TIMEOUT_S=90
readonly STOP_TIMEOUT_S=15

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly KAFKA_SCRIPTS="$REPO_ROOT/scripts/kafka"
readonly POM="$KAFKA_SCRIPTS/pom.xml"
readonly CACHE_DIR="${PARLEY_KAFKA_CACHE:-$HOME/.cache/parley/kafka-$KAFKA_VERSION}"
readonly CACHE_MARKER="$CACHE_DIR/.fetched"
readonly STATE_DIR="${PARLEY_KAFKA_DIR:-$REPO_ROOT/.kafka}"
readonly PORT="${PARLEY_KAFKA_PORT:-19092}"
readonly CONTROLLER_PORT="${PARLEY_KAFKA_CONTROLLER_PORT:-19093}"
readonly SASL_SSL_PORT="${PARLEY_KAFKA_SASL_SSL_PORT:-}"
readonly MTLS_PORT="${PARLEY_KAFKA_MTLS_PORT:-}"
readonly TLS_DIR="$STATE_DIR/tls"
readonly SECURED_FILE="$STATE_DIR/secured-listeners.json"
readonly LOG_DIR="$STATE_DIR/data"
readonly PROPS="$STATE_DIR/server.properties"
readonly PID_FILE="$STATE_DIR/broker.pid"
readonly BROKER_LOG="$STATE_DIR/broker.log"
readonly CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
# The brokers line of the running broker: `status` must report the port it was started with,
# not whatever PARLEY_KAFKA_PORT says now.
readonly BROKERS_FILE="$STATE_DIR/brokers"

log() { echo "kafka-test-broker: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '6,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

require() { # <command> <what to install>
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH: install $2"
}

# --- jars -------------------------------------------------------------------------------------

# The marker holds the pom's hash, so editing the pom (e.g. a version bump) triggers a refetch.
pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

cache_ready() { [[ -f "$CACHE_MARKER" && "$(cat "$CACHE_MARKER")" == "$(pom_hash)" ]]; }

fetch() {
  require java "a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)"
  if cache_ready; then
    log "jars already in $CACHE_DIR"
    return 0
  fi
  require mvn "Maven 3.8+ (e.g. apt-get install maven)"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $CACHE_DIR (~30 s on a cold Maven cache)"
  mkdir -p "$CACHE_DIR"
  # No marker means a missing or interrupted fetch: drop leftovers so the classpath holds exactly
  # what this pom resolves to. Maven 3.8's bundled dependency plugin is too old, hence the pin.
  rm -f "$CACHE_DIR"/*.jar
  # Output is shown only on failure: even with -q, Maven 3.8 emits stray ANSI reset codes.
  local out
  if ! out="$(mvn -q -B -f "$POM" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$CACHE_DIR" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "mvn could not fetch the jars (is Maven Central reachable?)"
  fi
  pom_hash >"$CACHE_MARKER"
  log "fetched $(find "$CACHE_DIR" -maxdepth 1 -name '*.jar' | wc -l) jars"
}

# --- process bookkeeping ----------------------------------------------------------------------

# True while <pid> has a thread that has not exited. The detached broker's parent is PID 1,
# which here reaps dead children only after ~1 s; once every thread is a zombie the JVM holds no
# ports, files or locks any more, so waiting for the reap would only slow down stop/kill. (The
# main thread alone turns zombie early: the JVM's other threads keep the sockets until they exit.)
alive() {
  local f stat
  kill -0 "$1" 2>/dev/null || return 1
  [[ -d "/proc/$1/task" ]] || return 0 # no procfs: trust kill -0
  for f in "/proc/$1/task"/*/stat; do
    { read -r stat <"$f"; } 2>/dev/null || continue # a thread may exit between the glob and the read
    stat="${stat##*) }"
    [[ "${stat%% *}" == Z ]] || return 0
  done
  return 1
}

# Prints the broker's pid if the pid file names a live Kafka JVM. Checking the command line too
# guards against signalling an unrelated process that reused a stale pid.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

wait_gone() { # <pid> <seconds>; returns 1 if still alive afterwards
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$BROKERS_FILE"
    return 0
  fi
  log "stopping broker (pid $pid)"
  # SIGTERM lets the broker shut down cleanly so a later `start --keep-data` skips log recovery.
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$STOP_TIMEOUT_S"; then
    log "broker did not stop within ${STOP_TIMEOUT_S}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || die "broker pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE" "$BROKERS_FILE"
}

kill_broker() {
  local pid
  if pid="$(running_pid)"; then
    log "killing broker (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
    # Wait for the exit so the ports and the log-dir lock are free for an immediate restart.
    wait_gone "$pid" 5 || die "broker pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE" "$BROKERS_FILE"
}

status() {
  if running_pid >/dev/null && [[ -f "$BROKERS_FILE" ]]; then
    cat "$BROKERS_FILE"
    return 0
  fi
  log "no broker running"
  return 1
}

# --- start ------------------------------------------------------------------------------------

# 16 random bytes, base64url without padding (22 chars) — Kafka's Uuid format. Kafka itself never
# hands out ids starting with '-' (they look like CLI options), so neither do we.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && break
  done
  echo "$id"
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# --- secured listeners (optional) -------------------------------------------------------------

secured() { [[ -n "$SASL_SSL_PORT" || -n "$MTLS_PORT" ]]; }

# The SASL users: mechanism (as Kafka names it), user name. Their passwords are made per fresh start.
readonly -a SASL_USERS=("SCRAM-SHA-512 parley-scram512" "SCRAM-SHA-256 parley-scram256" "PLAIN parley-plain")

# A key and a certificate signed by the test CA: <name> <subject CN> <extensions>.
issue_cert() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TLS_DIR/$1.key" 2>/dev/null
  openssl req -new -key "$TLS_DIR/$1.key" -subj "/CN=$2" 2>/dev/null \
    | openssl x509 -req -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 30 \
      -extfile <(printf '%s\n' "$3") -out "$TLS_DIR/$1.crt" 2>/dev/null
}

# A test CA, the broker's certificate (valid for 127.0.0.1, which clients verify) and a client
# certificate for the mutual-TLS listener. EC keys: milliseconds to make, where RSA takes longer.
make_tls() {
  require openssl "OpenSSL (e.g. apt-get install openssl)"
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TLS_DIR/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$TLS_DIR/ca.key" -subj "/CN=Parley Kafka test CA" -days 30 -out "$TLS_DIR/ca.crt" 2>/dev/null \
    || die "openssl could not make the test CA"
  issue_cert server "$HOST" "subjectAltName=IP:$HOST,DNS:localhost
extendedKeyUsage=serverAuth" || die "openssl could not make the broker certificate"
  issue_cert client parley-test-client "extendedKeyUsage=clientAuth" || die "openssl could not make the client certificate"
}

password() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Describes the secured listeners for the tests (JSON): addresses, the CA, the client
# certificate, and each SASL user. Values are hex, paths and addresses: nothing needs escaping.
write_secured_file() {
  local entry mech user sep=""
  {
    printf '{\n'
    printf '  "saslSsl": %s,\n' "$([[ -n "$SASL_SSL_PORT" ]] && echo "\"$HOST:$SASL_SSL_PORT\"" || echo null)"
    printf '  "mutualTls": %s,\n' "$([[ -n "$MTLS_PORT" ]] && echo "\"$HOST:$MTLS_PORT\"" || echo null)"
    printf '  "caFile": "%s",\n  "clientCertFile": "%s",\n  "clientKeyFile": "%s",\n' \
      "$TLS_DIR/ca.crt" "$TLS_DIR/client.crt" "$TLS_DIR/client.key"
    printf '  "users": {'
    for entry in "${SASL_USERS[@]}"; do
      read -r mech user <<<"$entry"
      printf '%s\n    "%s": { "username": "%s", "password": "%s" }' "$sep" "${mech,,}" "$user" "$(password)"
      sep=","
    done
    printf '\n  }\n}\n'
  } >"$SECURED_FILE.tmp"
  chmod 600 "$SECURED_FILE.tmp"
  mv -f "$SECURED_FILE.tmp" "$SECURED_FILE"
}

# The password the secured-listeners file gives <user>.
password_of() { sed -n "s/.*\"username\": \"$1\", \"password\": \"\([0-9a-f]*\)\".*/\1/p" "$SECURED_FILE"; }

# A PEM file as one properties value: Java reads `\n` in a value as a line break.
pem_value() { awk '{ printf "%s\\n", $0 }' "$1"; }

# The listeners' part of server.properties.
listener_properties() {
  local listeners="PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT"
  local advertised="PLAINTEXT://$HOST:$PORT"
  local map="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if [[ -n "$SASL_SSL_PORT" ]]; then
    listeners+=",SASL_SSL://$HOST:$SASL_SSL_PORT"
    advertised+=",SASL_SSL://$HOST:$SASL_SSL_PORT"
    map+=",SASL_SSL:SASL_SSL"
  fi
  if [[ -n "$MTLS_PORT" ]]; then
    listeners+=",SSL://$HOST:$MTLS_PORT"
    advertised+=",SSL://$HOST:$MTLS_PORT"
    map+=",SSL:SSL"
  fi
  echo "listeners=$listeners"
  echo "advertised.listeners=$advertised"
  echo "listener.security.protocol.map=$map"
  secured || return 0
  echo
  echo "# Secured listeners: TLS with the test CA's certificate (PEM, inline: Kafka reads an"
  echo "# unencrypted key only that way); the mutual-TLS listener requires a client certificate."
  echo "ssl.keystore.type=PEM"
  echo "ssl.keystore.certificate.chain=$(pem_value "$TLS_DIR/server.crt")"
  echo "ssl.keystore.key=$(pem_value "$TLS_DIR/server.key")"
  echo "ssl.truststore.type=PEM"
  echo "ssl.truststore.certificates=$(pem_value "$TLS_DIR/ca.crt")"
  [[ -n "$MTLS_PORT" ]] && echo "listener.name.ssl.ssl.client.auth=required"
  if [[ -n "$SASL_SSL_PORT" ]]; then
    # SCRAM users live in the cluster metadata (added at format time); PLAIN's in its JAAS line.
    echo "sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN"
    echo "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
    echo "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
    echo "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_parley-plain=\"$(password_of parley-plain)\";"
  fi
}

# `--add-scram` arguments of the storage format for the SCRAM users.
scram_format_args() {
  local entry mech user
  [[ -n "$SASL_SSL_PORT" ]] || return 0
  for entry in "${SASL_USERS[@]}"; do
    read -r mech user <<<"$entry"
    [[ "$mech" == SCRAM-* ]] && printf '%s\n' --add-scram "$mech=[name=$user,password=$(password_of "$user")]"
  done
  return 0
}

# The static settings sit in a quoted heredoc so nothing in them is ever expanded or executed;
# the few per-run values are printed separately.
write_properties() {
  {
    cat <<'EOF'
# Generated by scripts/kafka-test-broker.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT

# One node: the internal topics default to replication factor 3 and would never come up
# (consumers would wait forever for a group coordinator).
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
auto.create.topics.enable=true

# Fast, small test broker.
offsets.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=2097152
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1

# After a SIGKILL the dead incarnation stays registered until its session expires (default 9 s)
# and the restarted broker cannot register before that; a short session makes a kill followed
# by a restart with the same data take seconds instead of ~15 s.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
EOF
    echo
    echo "# Per run"
    echo "controller.quorum.voters=1@$HOST:$CONTROLLER_PORT"
    echo "log.dirs=$LOG_DIR"
    listener_properties
  } >"$PROPS"
}

# Waits for the startup log line, then for the admin API to answer. Fails early if the JVM dies.
wait_ready() { # <pid>
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT_S))
  until grep -qE 'Kafka Server started|Transitioning from RECOVERY to RUNNING' "$BROKER_LOG" 2>/dev/null; do
    alive "$pid" || { log "broker exited during startup"; return 1; }
    ((SECONDS < deadline)) || { log "broker did not start within ${START_TIMEOUT_S}s"; return 1; }
    sleep 0.2
  done
  local left=$((deadline - SECONDS))
  ((left > 0)) || left=1
  node "$KAFKA_SCRIPTS/wait-ready.mjs" "$HOST:$PORT" "$((left * 1000))" >&2 \
    || { log "broker logged startup but the admin API did not answer"; return 1; }
}

start() {
  local keep_data=false arg
  for arg in "$@"; do
    case "$arg" in
      --keep-data) keep_data=true ;;
      *) usage ;;
    esac
  done

  fetch
  require node "Node.js (see .node-version; and run 'npm ci' for kafkajs)"
  [[ -d "$REPO_ROOT/node_modules/kafkajs" ]] || die "kafkajs is not installed: run 'npm ci' in $REPO_ROOT"

  mkdir -p "$STATE_DIR"
  stop # a broker left over from an earlier run would hold the ports and the log dir

  local port
  for port in "$PORT" "$CONTROLLER_PORT" $SASL_SSL_PORT $MTLS_PORT; do
    [[ "$port" =~ ^[0-9]+$ ]] || die "invalid port '$port'"
    port_in_use "$port" && die "port $HOST:$port is taken by another process (set PARLEY_KAFKA_PORT / PARLEY_KAFKA_CONTROLLER_PORT)"
  done

  local cluster_id=""
  if $keep_data; then
    [[ -f "$CLUSTER_ID_FILE" && -d "$LOG_DIR" ]] && cluster_id="$(cat "$CLUSTER_ID_FILE")"
    [[ -n "$cluster_id" ]] || log "--keep-data: no earlier data in $STATE_DIR, starting empty"
  fi
  if [[ -z "$cluster_id" ]]; then
    # Fresh data per run so tests never see topics, offsets or groups of an earlier run.
    rm -rf "$LOG_DIR"
    cluster_id="$(new_cluster_id)"
    echo "$cluster_id" >"$CLUSTER_ID_FILE"
    rm -rf "$TLS_DIR" "$SECURED_FILE"
  fi
  # Kept with the data on --keep-data: the SCRAM users are in the metadata, with these passwords.
  if secured && [[ ! -f "$SECURED_FILE" || ! -f "$TLS_DIR/client.crt" ]]; then
    # SCRAM users are added only when the storage is formatted.
    [[ -d "$LOG_DIR" ]] && log "warning: the kept data has no SCRAM users of this run; start without --keep-data to use SCRAM"
    make_tls
    write_secured_file
  fi

  write_properties
  local -a jvm=(
    java -Xms512m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$KAFKA_SCRIPTS/log4j.properties"
    -cp "$CACHE_DIR/*"
  )

  # --ignore-formatted keeps existing data (and its cluster id) on --keep-data restarts. Its
  # output (a full config dump) is only worth showing when it fails.
  local out
  local -a scram=()
  mapfile -t scram < <(scram_format_args)
  if ! out="$("${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" --ignore-formatted "${scram[@]}" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting the storage in $LOG_DIR failed"
  fi

  # Keep the previous log around: after a `kill` it explains what the broker was doing.
  [[ -f "$BROKER_LOG" ]] && mv -f "$BROKER_LOG" "$BROKER_LOG.prev"
  # setsid + nohup detach the broker from the caller's session, so it outlives the shell (and
  # Ctrl-C in a test runner) until `stop`. The inner shell records its own pid and then execs
  # java, so the pid file names the JVM even if setsid had to fork.
  # fd 9 (the lock) is closed for the broker, or it would hold the lock for its whole life.
  local -a detach=(nohup)
  command -v setsid >/dev/null 2>&1 && detach=(setsid nohup) # setsid is Linux-only
  "${detach[@]}" bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "${jvm[@]}" kafka.Kafka "$PROPS" >"$BROKER_LOG" 2>&1 </dev/null 9>&- &
  disown # not a job of ours: no "Killed" notice if a failed start has to kill it

  local pid="" i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && { pid="$(cat "$PID_FILE")"; break; }
    sleep 0.1
  done
  [[ -n "$pid" ]] || die "broker process did not start (see $BROKER_LOG)"
  log "broker starting (pid $pid, cluster $cluster_id, log $BROKER_LOG)"

  if ! wait_ready "$pid"; then
    log "last 40 lines of $BROKER_LOG:"
    tail -n 40 "$BROKER_LOG" >&2 || true
    kill_broker
    exit 1
  fi

  echo "KAFKA_BROKERS=$HOST:$PORT" >"$BROKERS_FILE"
  secured && echo "KAFKA_TEST_SECURED_LISTENERS=$SECURED_FILE" >>"$BROKERS_FILE"
  log "broker ready on $HOST:$PORT$(secured && echo " (secured listeners: $SECURED_FILE)")"
  cat "$BROKERS_FILE"
}

# Serialises start/stop/kill on one state dir: parallel test runners calling `start` at once
# would otherwise race on the pid file, ports and log dir. The lock is released on exit.
lock_state_dir() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 300 9 || die "another kafka-test-broker.sh run holds $STATE_DIR/.lock"
}

main() {
  local cmd="${1:-}"
  (($# > 0)) && shift
  case "$cmd" in
    fetch) (($# == 0)) || usage; fetch ;;
    start) lock_state_dir; start "$@" ;;
    stop) (($# == 0)) || usage; lock_state_dir; stop ;;
    kill) (($# == 0)) || usage; lock_state_dir; kill_broker ;;
    status) (($# == 0)) || usage; status ;;
    *) usage ;;
  esac
}

main "$@"
