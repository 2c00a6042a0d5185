#!/usr/bin/env bash
# Runs the whole platform locally: PostgreSQL, Redis, the Kafka development cluster, every service and the gateway.
# Extra arguments go to the AppHost, for example --gateway:HttpPort=9080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
exec dotnet run --project AppHost -- "$@"
