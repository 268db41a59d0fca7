# Shared by scripts/test, scripts/run and scripts/bench: installs Docket's
# system packages and starts or stops a private redis-server and PostgreSQL
# on free loopback ports. Source it; it defines functions only.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Debian packages Docket builds against or runs beside.
DOCKET_APT_PACKAGES=(
  redis-server redis-tools postgresql postgresql-contrib libhiredis-dev libpq-dev
  libpoppler-glib-dev libcairo2-dev libturbojpeg0-dev
  qpdf poppler-utils docker-compose python3 python3-venv curl
)

# Never fails: a closed stderr (say, `| tee` killed by the same Ctrl-C)
# must not stop a shutdown half-way.
docket_log() { printf '%s %s\n' "[$(date +%H:%M:%S)]" "$*" >&2 2>/dev/null || true; }

# Installs whatever of DOCKET_APT_PACKAGES (plus "$@") is missing.
docket_install_packages() {
  local missing=() pkg
  for pkg in "${DOCKET_APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  docket_log "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the packaged servers; Docket runs its own on other ports.
  return 0
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now, below the
# kernel's ephemeral range: a port inside it can be taken by an outgoing
# connection (or a client reconnecting to it, which TCP connects to itself)
# while the server restarts.
docket_free_port() {
  python3 - <<'PY'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(200):
    port = random.randint(min(10000, low - 1001), low - 1)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port below the ephemeral range")
PY
}

# Runs a command as the postgres user when we are root (initdb refuses root).
docket_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# docket_start_redis DIR: starts redis-server with its files in DIR and
# exports REDIS_URL. AOF on, fsync every second, no eviction (DESIGN.md).
docket_start_redis() {
  local dir=$1 port
  mkdir -p "$dir"
  port=$(docket_free_port)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --save "" >/dev/null
  local tries=0
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then docket_log "redis-server did not answer; see $dir/redis.log"; return 1; fi
    sleep 0.1
  done
  DOCKET_REDIS_DIR=$dir
  DOCKET_REDIS_PORT=$port
  export REDIS_URL="redis://127.0.0.1:$port/0"
  docket_log "redis-server on 127.0.0.1:$port ($dir)"
}

docket_stop_redis() {
  [ -n "${DOCKET_REDIS_PORT:-}" ] || return 0
  redis-cli -p "$DOCKET_REDIS_PORT" shutdown >/dev/null 2>&1 || true
  DOCKET_REDIS_PORT=""
}

# docket_start_postgres DIR [durable|fast]: initialises a cluster in DIR if
# it has none, starts it on a free port and exports DATABASE_URL (database
# and superuser "docket", trust auth on loopback only). "fast" turns fsync
# off: for throw-away test servers only.
docket_start_postgres() {
  local dir=$1 mode=${2:-durable} port
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    if ! runuser -u postgres -- test -x "$dir"; then
      docket_log "the postgres user cannot reach $dir: put DOCKET_DATA_DIR under a world-traversable folder (e.g. /var/tmp)"
      return 1
    fi
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    docket_as_postgres "$PG_BIN/initdb" -D "$dir" -U docket --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/../initdb.log" 2>&1 \
      || { docket_log "initdb failed; see $dir/../initdb.log"; return 1; }
  fi
  port=$(docket_free_port)
  # 400: the test suite runs its suites at once, each API stack with a pool and a LISTEN connection.
  local options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400"
  [ "$mode" = "fast" ] && options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  docket_as_postgres "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null \
    || { docket_log "PostgreSQL did not start; see $dir/postgres.log"; return 1; }
  if ! psql -h 127.0.0.1 -p "$port" -U docket -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='docket'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U docket -d postgres -qc "CREATE DATABASE docket" >/dev/null
  fi
  DOCKET_PG_DIR=$dir
  export DATABASE_URL="postgres://docket@127.0.0.1:$port/docket"
  docket_log "PostgreSQL on 127.0.0.1:$port ($dir)"
}

docket_stop_postgres() {
  [ -n "${DOCKET_PG_DIR:-}" ] || return 0
  docket_as_postgres "$PG_BIN/pg_ctl" -D "$DOCKET_PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
  DOCKET_PG_DIR=""
}

docket_stop_services() {
  docket_stop_redis
  docket_stop_postgres
}

# docket_postgres_dir DATA_DIR: where the cluster of DATA_DIR lives. As root
# the cluster belongs to the postgres user, who may not be able to reach a
# data dir under, say, /root; then it lives under /var/lib/docket with a
# link from DATA_DIR/postgres.
docket_postgres_dir() {
  local data=$1 dir="$1/postgres"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
    local key
    key=$(printf '%s' "$data" | sha256sum | cut -c1-12)
    mkdir -p /var/lib/docket
    chmod 755 /var/lib/docket
    dir=/var/lib/docket/postgres-$key
    [ -e "$data/postgres" ] || ln -s "$dir" "$data/postgres"
  fi
  printf '%s\n' "$dir"
}
