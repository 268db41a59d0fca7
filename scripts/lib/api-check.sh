# Checks openapi.yaml and the live API against each other. Source it; it
# defines docket_check_api only. Needs REDIS_URL and DATABASE_URL (a server
# on which it may create a database) and the built binaries.

# docket_check_api BIN WORK: validates openapi.yaml (openapi-spec-validator),
# starts BIN/docket-api on a free port over a fresh database, and runs
# schemathesis against it: no 5xx, and every status, content type, header
# and body as the document says. Python tools go in WORK/venv (from PyPI).
docket_check_api() {
  local bin=$1 work=$2 venv=$2/venv port key api_pid status=0
  docket_log "installing openapi-spec-validator and schemathesis (PyPI)"
  python3 -m venv "$venv" >/dev/null
  "$venv/bin/pip" install -q --disable-pip-version-check openapi-spec-validator==0.9.0 schemathesis==4.32.5 >"$work/pip.log" 2>&1 \
    || { cat "$work/pip.log" >&2; return 1; }
  docket_log "validating openapi.yaml"
  "$venv/bin/openapi-spec-validator" openapi.yaml || return 1

  local database=${DATABASE_URL%/*}/docket_api_check
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS docket_api_check" -c "CREATE DATABASE docket_api_check" >/dev/null
  DATABASE_URL=$database "$bin/docketctl" migrate >/dev/null
  key=$(DATABASE_URL=$database "$bin/docketctl" keys create --user schemathesis --role admin --quota-bytes 100000000 --json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
  port=$(docket_free_port)
  DATABASE_URL=$database DOCKET_API_PORT=$port DOCKET_DATA_DIR="$work/api" DOCKET_LOG_LEVEL=error \
    "$bin/docket-api" >"$work/docket-api.log" 2>&1 &
  api_pid=$!
  local tries=0
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ $tries -gt 150 ]; then docket_log "docket-api did not start"; cat "$work/docket-api.log" >&2; kill $api_pid; return 1; fi
    sleep 0.2
  done
  docket_log "schemathesis against docket-api on 127.0.0.1:$port"
  "$venv/bin/schemathesis" run openapi.yaml --url "http://127.0.0.1:$port" -H "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-time "${SCHEMATHESIS_SECONDS:-90}" --workers 1 --no-color || status=$?
  kill -TERM $api_pid
  wait $api_pid 2>/dev/null || true
  return $status
}
