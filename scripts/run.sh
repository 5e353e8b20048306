#!/usr/bin/env bash
# Sets up (first time only), builds, and runs kascade with the given arguments, e.g.
#   bash scripts/run.sh run inputs/quickstart.toml --overwrite
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh" >&2
build=$(bash "$root/scripts/build.sh" openmp)
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-threads}
exec "$build/kascade" "$@"
