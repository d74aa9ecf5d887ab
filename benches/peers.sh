# Sourced by the bench scripts: the peers' synthetic incidents (../shared/peers/gen_incidents.py).
#
#   peers_incidents N     # N is 10k, 100k or 1m; sets $count and $incidents (generated into /tmp/peers-data when missing)
peers=../shared/peers data=/tmp/peers-data
peers_incidents() {
  case $1 in 10k) count=10000 ;; 100k) count=100000 ;; 1m) count=1000000 ;; *) echo "N is 10k, 100k or 1m" >&2; exit 2 ;; esac
  incidents=$data/incidents_$1.geojson
  mkdir -p "$data"
  [ -f "$incidents" ] || python3 "$peers/gen_incidents.py" "$count" -o "$incidents"
}

# A wrk script (on stdout) whose connections walk the 1,000 boxes of gen_queries.py, each from its own starting
# point, asking `items?bbox=<box>&limit=100`. Needs $data/queries_boxes.csv.
boxes_lua() {
  echo 'local boxes = {'
  tail -n +2 "$data/queries_boxes.csv" | awk -F, '{printf "\"%s,%s,%s,%s\",\n", $2, $3, $4, $5}'
  echo '}'
  cat <<'LUA'
local i = 0
function init(args) i = math.random(#boxes) end
function request()
  i = i % #boxes + 1
  return wrk.format("GET", "/ogc/collections/incidents/items?bbox=" .. boxes[i] .. "&limit=100")
end
LUA
}

# A wrk script (on stdout) asking `/api/nearest?k=10` about the 1,000 kNN points of gen_queries.py, each
# connection from its own starting point. Needs $data/queries_points.csv.
points_lua() {
  echo 'local points = {'
  tail -n +2 "$data/queries_points.csv" | awk -F, '{printf "\"lon=%s&lat=%s\",\n", $2, $3}'
  echo '}'
  cat <<'LUA'
local i = 0
function init(args) i = math.random(#points) end
function request()
  i = i % #points + 1
  return wrk.format("GET", "/api/nearest?k=10&" .. points[i])
end
LUA
}

# Starts the release build's `borderline serve` on data directory $1 at 127.0.0.1:$2 (its log in $1/serve.log),
# sets $pid for the caller's trap to stop it, and waits until /ready says the data is served.
serve_ready() {
  target/release/borderline --data "$1" serve --addr "127.0.0.1:$2" --quiet > "$1/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$2/ready" >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$1/serve.log"; exit 1; }; done
}
