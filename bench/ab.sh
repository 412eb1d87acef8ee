#!/bin/bash
# Interleaved A/B of named scenarios (the ledger import too): an earlier commit (checked out as a worktree) and the
# working tree, against the same database, three rounds each, so that a machine whose speed
# drifts (this VM's does, by half) skews both sides alike.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench bench/ab.sh c338498 "projects list" late
set -euo pipefail
base=$1; shift
skip=(--no-import); [[ "$*" == *import* ]] && skip=()
here=$(cd "$(dirname "$0")/.." && pwd)
old=$(mktemp -d)/kp_ab
git -C "$here" worktree add -f -q "$old" "$base"
trap 'git -C "$here" worktree remove --force "$old"' EXIT
ln -s "$here/.venv" "$old/.venv"
for round in 1 2 3; do
  for side in "$base" working; do
    dir=$here; [ "$side" = "$base" ] && dir=$old
    echo "== round $round: $side"
    (cd "$dir" && "$here/.venv/bin/python" -m bench --only "$@" --no-exports "${skip[@]}" | grep -E "^[a-zA-Z].* (ok|MISSED|no target)")
  done
done
