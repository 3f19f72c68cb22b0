#!/usr/bin/env bash
# EvalBoard on several instances behind nginx, on one PostgreSQL: scripts/cluster.sh up|down|status
#
#   up      the database (EVALBOARD_DATABASE_URL, else Debian's PostgreSQL started with pg_ctlcluster and a role
#           and database "evalboard" created if missing: needs root), N instances of `streamlit run serve.py` (the
#           app with its sign-in cookie route, error ids and guard: docs/security-attacks.md) on 127.0.0.1 ports
#           BASE_PORT.., then nginx in front (deploy/nginx/evalboard.conf), each waited for until healthy
#   down    stops nginx and the instances (and PostgreSQL, if `up` started it)
#   status  each instance's process and /_stcore/health, nginx's, and the database; exit 0 when all are up
#
# Settings (environment):
#   EVALBOARD_DATABASE_URL   the shared database; a SQLite URL is refused with more than one instance
#   EVALBOARD_INSTANCES      number of instances (default 2)
#   EVALBOARD_BASE_PORT      port of the first instance (default 8501; the others follow)
#   EVALBOARD_PROXY_PORT     nginx's port (default 8080)
#   EVALBOARD_PROXY_ADDR     nginx's address (default 127.0.0.1; 0.0.0.0 to serve the network)
#   EVALBOARD_RUN_DIR        pid files, logs, nginx.conf (default .cluster/ in the repository)
#   EVALBOARD_NGINX          the nginx binary (default /usr/sbin/nginx)
#   EVALBOARD_STICKY         ip_hash (default, as in deploy/nginx/evalboard.conf) or cookie: a route cookie set
#                            by nginx, hashed (spreads browsers that share one address, e.g. a load test)
#   EVALBOARD_STREAMLIT      the command that runs streamlit (default .venv/bin/streamlit; the load benchmark
#                            uses ".venv/bin/python -m benchmarks.load_server", which times every script run)
# Every other EVALBOARD_* setting (EVALBOARD_AUTH, EVALBOARD_SESSION_MINUTES, ...) is passed to every instance
# unchanged, so all of them sign people in the same way.
#
# nginx runs in the foreground of its own process group (daemon off) with its own prefix, configuration, pid
# and logs under the run directory; the system's nginx service and /etc/nginx are never touched.
#
# Everything written here is private: the run directory is 0700 and every file in it (logs, pid files, the
# generated nginx.conf, database.url) 0600, whoever runs the script (umask 077; files left readable by an older
# version are tightened on `up`). Run as root, nginx's workers (www-data) get their temporary folder outside it
# (a 0700 folder of their own under /tmp, removed by `down`). The access log has no query strings and no upload
# session ids (log_format evalboard_private in deploy/nginx/evalboard.conf).
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${EVALBOARD_INSTANCES:-2}"
BASE_PORT="${EVALBOARD_BASE_PORT:-8501}"
PROXY_PORT="${EVALBOARD_PROXY_PORT:-8080}"
PROXY_ADDR="${EVALBOARD_PROXY_ADDR:-127.0.0.1}"
RUN="${EVALBOARD_RUN_DIR:-$ROOT/.cluster}"
NGINX="${EVALBOARD_NGINX:-/usr/sbin/nginx}"
PY="$ROOT/.venv/bin/python"
STREAMLIT="$ROOT/.venv/bin/streamlit"
read -r -a RUNNER <<<"${EVALBOARD_STREAMLIT:-$STREAMLIT}"
STICKY="${EVALBOARD_STICKY:-ip_hash}"
SITE="$ROOT/deploy/nginx/evalboard.conf"
WAIT_SECONDS="${EVALBOARD_WAIT_SECONDS:-120}"

log() { printf '%s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

ports() { local i; for ((i = 0; i < N; i++)); do echo $((BASE_PORT + i)); done; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# 0 when URL answers 200 within 3 s (python, so that curl is not needed)
http_ok() {
    "$PY" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
}

wait_healthy() {  # URL WHAT PIDFILE
    local deadline=$((SECONDS + WAIT_SECONDS))
    until http_ok "$1"; do
        alive "$3" || die "$2 stopped while starting; see its log in $RUN"
        [ "$SECONDS" -lt "$deadline" ] || die "$2 not healthy after ${WAIT_SECONDS}s ($1); see $RUN"
        sleep 0.5
    done
}

stop_pid() {  # PIDFILE WHAT
    local pidfile="$1" pid i
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "  $2 (pid $pid) did not stop in 10 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "  stopped $2 (pid $pid)"
    fi
    rm -f "$pidfile"
}

masked() { "$PY" -c 'import sys; from sqlalchemy.engine import make_url
print(make_url(sys.argv[1]).render_as_string(hide_password=True))' "$1"; }

# --- the database --------------------------------------------------------------------------------------

local_postgres() {
    # Debian's PostgreSQL: start the newest cluster, create role and database "evalboard" if missing. The
    # generated password is kept in $RUN/database.url (0600) for the next `up`.
    [ "$(id -u)" -eq 0 ] || die "set EVALBOARD_DATABASE_URL, or run as root to start the local PostgreSQL"
    command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not installed (apt-get install postgresql)"
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$version" ] || die "no PostgreSQL cluster in /etc/postgresql"
    if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then  # (stdout is the URL: messages to stderr)
        pg_ctlcluster "$version" main start >&2
        echo "$version" >"$RUN/started-postgres"
        log "started PostgreSQL $version" >&2
    fi
    if [ -s "$RUN/database.url" ]; then
        cat "$RUN/database.url"
        return
    fi
    local exists password
    exists="$(runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'evalboard'")"
    [ "$exists" != 1 ] || die "role evalboard exists already: set EVALBOARD_DATABASE_URL with its password"
    password="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')"
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -c "CREATE ROLE evalboard LOGIN PASSWORD '$password'" >&2
    runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'evalboard'" | grep -q 1 \
        || runuser -u postgres -- createdb -O evalboard -E UTF8 evalboard >&2
    log "created role and database evalboard" >&2
    (umask 077; echo "postgresql+psycopg://evalboard:$password@127.0.0.1:5432/evalboard" >"$RUN/database.url")
    cat "$RUN/database.url"
}

# --- nginx ---------------------------------------------------------------------------------------------

nginx_conf() {
    local dir="$RUN/nginx" upstream="" port user="" tmp body_max
    for port in $(ports); do
        upstream+="    server 127.0.0.1:$port max_fails=1 fail_timeout=10s;\n"
    done
    mkdir -p "$dir"
    chmod 700 "$dir"
    tmp="$dir/tmp"
    if [ "$(id -u)" -eq 0 ]; then  # workers drop to www-data; they need their temp dirs and nothing else
        user="user www-data;"
        tmp="$(mktemp -d /tmp/evalboard-nginx-XXXXXXXX)"  # outside the 0700 run directory, theirs alone
        echo "$tmp" >"$dir/tmpdir"
        chown www-data "$tmp"
        runuser -u www-data -- test -w "$tmp" || die "nginx's workers (www-data) cannot write $tmp"
    fi
    mkdir -p "$tmp"
    # the one upload limit (evalcore.workbook.MAX_FILE_BYTES) plus 1 MB for the form's framing, in MB
    body_max="$(cd "$ROOT" && "$PY" -c 'from components.guard import UPLOAD_BODY_MAX; print(UPLOAD_BODY_MAX >> 20)')"
    {
        echo "# generated by scripts/cluster.sh from deploy/nginx/evalboard.conf: do not edit"
        echo "$user"
        echo "worker_processes auto;"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/error.log warn;"
        echo "events { worker_connections 1024; }"
        echo "http {"
        echo "    default_type application/octet-stream;"
        echo "    client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy;"
        echo "    fastcgi_temp_path $tmp/fastcgi; uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;"
        if [ "$STICKY" = cookie ]; then
            # the route: the browser's cookie, else a new random one, which is then set as its cookie
            echo '    map $cookie_evalboard_route $evalboard_route { "" $request_id; default $cookie_evalboard_route; }'
        fi
        # the site file as written, but: its upstream servers, listen address, access log (here, with the same
        # private format, which names the instance that served each request: upstream=) and upload limit
        awk -v upstream="$upstream" -v listen="    listen $PROXY_ADDR:$PROXY_PORT;" -v sticky="$STICKY" \
            -v access="    access_log $dir/access.log evalboard_private;" -v body_max="$body_max" '
            /# EVALBOARD_UPSTREAM/ { if (!done) { printf "%s", upstream; done = 1 } next }
            /# EVALBOARD_LISTEN/ { print listen; next }
            /# EVALBOARD_ACCESS_LOG/ { print access; next }
            /^ *client_max_body_size [0-9]+m;/ { sub(/[0-9]+m;/, body_max "m;") }
            /^ *ip_hash;/ && sticky == "cookie" { print "    hash $evalboard_route consistent;"; next }
            /^ *client_max_body_size/ && sticky == "cookie" {
                print; print "    add_header Set-Cookie \"evalboard_route=$evalboard_route; Path=/; HttpOnly; SameSite=Lax\";"; next }
            { print }' "$SITE"
        echo "}"
    } >"$dir/nginx.conf"
}

# --- commands ------------------------------------------------------------------------------------------

up() {
    [ -x "$STREAMLIT" ] || die "$STREAMLIT missing: run 'make venv' first"
    case "$STICKY" in ip_hash | cookie) ;; *) die "EVALBOARD_STICKY must be ip_hash or cookie" ;; esac
    [ -x "$NGINX" ] || die "nginx not found at $NGINX (apt-get install nginx)"
    mkdir -p "$RUN"
    chmod 700 "$RUN"
    # logs and files an older version left readable by others
    find "$RUN" -type f -exec chmod go-rwx {} + 2>/dev/null || true
    find "$RUN" -mindepth 1 -type d -exec chmod 700 {} + 2>/dev/null || true
    local url="${EVALBOARD_DATABASE_URL:-}"
    if [ -z "$url" ]; then
        url="$(local_postgres)" || exit 1
    fi
    case "$url" in
        sqlite*) [ "$N" -le 1 ] || die "several instances on one SQLite file are not supported: use PostgreSQL (docs/deploy.md)" ;;
    esac
    log "database: $(masked "$url")"
    # the schema and the first-run sample, once, before any instance starts
    EVALBOARD_DATABASE_URL="$url" "$PY" - <<'EOF' || die "cannot open the database"
import sys
sys.path.insert(0, ".")
from evalcore.store import Store, StoreError
from sample_data import WORKBOOK
try:
    store = Store.from_env()
except StoreError as exc:
    sys.exit(str(exc))
store.ensure_sample(WORKBOOK)
store.dispose()
EOF
    local port pidfile
    for port in $(ports); do
        pidfile="$RUN/instance-$port.pid"
        if alive "$pidfile"; then
            log "instance $port already running (pid $(cat "$pidfile"))"
            continue
        fi
        (cd "$ROOT" && EVALBOARD_DATABASE_URL="$url" exec setsid "${RUNNER[@]}" run serve.py \
            --server.port "$port" --server.address 127.0.0.1 --server.headless true \
            --server.fileWatcherType none --browser.gatherUsageStats false \
            >"$RUN/instance-$port.log" 2>&1 </dev/null) &
        echo $! >"$pidfile"
        log "instance $port: pid $(cat "$pidfile"), log $RUN/instance-$port.log"
    done
    for port in $(ports); do
        wait_healthy "http://127.0.0.1:$port/_stcore/health" "instance $port" "$RUN/instance-$port.pid"
        log "instance $port healthy"
    done
    local pidfile_nginx="$RUN/nginx/nginx.pid"
    if alive "$pidfile_nginx"; then
        log "nginx already running (pid $(cat "$pidfile_nginx"))"
        return
    fi
    nginx_conf
    touch "$RUN/nginx/error.log" "$RUN/nginx/access.log"  # created 0600 (umask) before nginx opens them
    "$NGINX" -t -q -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" \
        || die "nginx refused $RUN/nginx/nginx.conf"
    env -u NGINX setsid "$NGINX" -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" -g "daemon off;" \
        >"$RUN/nginx/stdout.log" 2>&1 </dev/null &
    echo $! >"$pidfile_nginx"
    wait_healthy "http://127.0.0.1:$PROXY_PORT/_stcore/health" "nginx" "$pidfile_nginx"
    log "nginx: pid $(cat "$pidfile_nginx"), http://$PROXY_ADDR:$PROXY_PORT/ -> $N instance(s)"
}

down() {
    [ -d "$RUN" ] || { log "nothing running ($RUN does not exist)"; return; }
    stop_pid "$RUN/nginx/nginx.pid" nginx
    if [ -s "$RUN/nginx/tmpdir" ]; then  # the workers' temporary folder (run as root)
        case "$(cat "$RUN/nginx/tmpdir")" in /tmp/evalboard-nginx-*) rm -rf -- "$(cat "$RUN/nginx/tmpdir")" ;; esac
        rm -f "$RUN/nginx/tmpdir"
    fi
    local pidfile
    for pidfile in "$RUN"/instance-*.pid; do
        [ -e "$pidfile" ] || continue
        stop_pid "$pidfile" "instance $(basename "$pidfile" .pid | cut -d- -f2)"
    done
    if [ -f "$RUN/started-postgres" ]; then
        pg_ctlcluster "$(cat "$RUN/started-postgres")" main stop && log "  stopped PostgreSQL"
        rm -f "$RUN/started-postgres"
    fi
}

status() {
    local ok=0 port pidfile
    for port in $(ports); do
        pidfile="$RUN/instance-$port.pid"
        if ! alive "$pidfile"; then
            log "instance $port: not running"; ok=3
        elif http_ok "http://127.0.0.1:$port/_stcore/health"; then
            log "instance $port: up (pid $(cat "$pidfile")), healthy"
        else
            log "instance $port: running (pid $(cat "$pidfile")) but not healthy"; ok=3
        fi
    done
    if ! alive "$RUN/nginx/nginx.pid"; then
        log "nginx: not running"; ok=3
    elif http_ok "http://127.0.0.1:$PROXY_PORT/_stcore/health"; then
        log "nginx: up (pid $(cat "$RUN/nginx/nginx.pid")), http://$PROXY_ADDR:$PROXY_PORT/ healthy"
    else
        log "nginx: running but no healthy instance behind it"; ok=3
    fi
    return $ok
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status   (settings: see the top of this file)" >&2; exit 2 ;;
esac
