#!/usr/bin/env bash
# Adds one migration with the same name for every provider, so the two sets never drift apart.
# Usage: eng/add-migration.sh <MigrationName> [engine|workflows]   (default: engine)
set -euo pipefail
name=${1:?usage: eng/add-migration.sh <MigrationName> [engine|workflows]}
model=${2:-engine}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
case "$model" in
  engine)    project=src/Engine; sqlite=SqliteAgentFlowDbContext; postgres=PostgresAgentFlowDbContext ;;
  workflows) project=src/Workflows/AgentFlow.Workflows; sqlite=SqliteWorkflowDbContext; postgres=PostgresWorkflowDbContext ;;
  *) echo "unknown model '$model' (engine or workflows)" >&2; exit 2 ;;
esac
dotnet ef migrations add "$name" --project "$project" --context "$sqlite" --output-dir Persistence/Migrations/Sqlite
dotnet ef migrations add "$name" --project "$project" --context "$postgres" --output-dir Persistence/Migrations/Postgres --no-build
