#!/usr/bin/env bash
# The long half of the resilience suite (the fast half runs with the tests): 32 clients against the
# real API as separate processes, through a plain load, a SIGKILL of the API and its restart, a
# PostgreSQL fast stop and start, and two API processes on one database (the daemon's one killed).
# Checks the store against every answer after each, and writes the figures into docs/reliability.md.
#
#   tests/resilience.sh [seconds per scenario, default 60] [clients, default 32]
#
# With no ConnectionStrings__Fieldwork it uses the private PostgreSQL cluster (database
# fieldwork_resilience, emptied first). Given a connection string, it neither empties that database
# nor restarts its server (the PostgreSQL scenario is left out). Exit code 0 when every check held.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project tests/Fieldwork.Benchmarks -- resilience "${1:-60}" "${2:-32}"
