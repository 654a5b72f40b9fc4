#!/usr/bin/env bash
# Adds one migration with the same name for every provider, so the two sets never drift apart.
# Usage: eng/add-migration.sh <MigrationName>
set -euo pipefail
name=${1:?usage: eng/add-migration.sh <MigrationName>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
project=src/Engine
dotnet ef migrations add "$name" --project "$project" --context SqliteAgentFlowDbContext --output-dir Persistence/Migrations/Sqlite
dotnet ef migrations add "$name" --project "$project" --context PostgresAgentFlowDbContext --output-dir Persistence/Migrations/Postgres --no-build
