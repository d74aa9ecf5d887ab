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
