#!/usr/bin/env bash
# After the suite: removes what a test left on the Docker engine once its data dir is gone (containers, volumes and
# pod networks labelled dockube.io/data-dir) and the jest runtime tests' own networks (dockube.io/test), and names each
# one, so that a leak shows in the log instead of piling up across runs. Left-over bridges matter beyond tidiness: a
# machine whose resolver sat in 10.255.0.0/16 lost DNS once leaked clusters had taken 10.244-10.255, and the next
# `npm install` hung. A live cluster (its data dir still there) is never touched.
set -uo pipefail
command -v docker >/dev/null 2>&1 || exit 0
docker info >/dev/null 2>&1 || exit 0

gone() { [ -n "$1" ] && [ ! -e "$1" ]; }
removed=0

while read -r id dir; do
  if gone "$dir"; then echo "test leftover: container $id (data dir $dir gone)"; docker rm -f "$id" >/dev/null 2>&1; removed=$((removed + 1)); fi
done < <(docker ps -a --filter label=dockube.io/data-dir --format '{{.ID}} {{.Label "dockube.io/data-dir"}}')

while read -r name dir; do
  if gone "$dir"; then echo "test leftover: volume $name (data dir $dir gone)"; docker volume rm -f "$name" >/dev/null 2>&1; removed=$((removed + 1)); fi
done < <(docker volume ls -q --filter label=dockube.io/data-dir | while read -r v; do
  echo "$v $(docker volume inspect -f '{{index .Labels "dockube.io/data-dir"}}' "$v" 2>/dev/null)"
done)

while IFS='|' read -r name dir test; do
  if gone "$dir" || [ -n "$test" ]; then
    why="data dir $dir gone"
    [ -n "$test" ] && why="made by the $test tests"
    echo "test leftover: network $name ($why)"
    docker network rm "$name" >/dev/null 2>&1 || echo "  (still in use: kept)"
    removed=$((removed + 1))
  fi
done < <(docker network ls -q | while read -r n; do
  docker network inspect -f '{{.Name}}|{{index .Labels "dockube.io/data-dir"}}|{{index .Labels "dockube.io/test"}}' "$n" 2>/dev/null
done | sed 's/<no value>//g')

[ "$removed" = 0 ] || echo "test leftovers: $removed removed"
exit 0
