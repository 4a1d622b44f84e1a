#!/usr/bin/env bash
# The benchmark (docs/BENCHMARKS.md): a node of this build beside a redis-server under the same
# load. Installs redis-server from Debian's packages when it is missing and Redis is measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v redis-server >/dev/null && [[ " $* " != *" --target chat "* && " $* " != *" --host "* ]]; then
  echo "bench: installing redis-server (apt-get)" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
fi
exec dotnet run -c Release --project src/ChatActors.Bench -- "$@"
