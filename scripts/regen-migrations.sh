#!/usr/bin/env bash
# Regenerates the EF Core "Initial" migrations of both providers from the current model. Until a release ships there is
# one generated migration per provider; the ledger tables are a hand-written migration (…_LedgerTables.cs) that this
# script leaves alone. Run from anywhere: bash scripts/regen-migrations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf src/Zhifu.Data/Zhifu
for provider in Sqlite Postgres; do
  dir="src/Zhifu.Data/Migrations/$provider"
  find "$dir" -name '*_Initial.cs' -delete -o -name '*_Initial.Designer.cs' -delete -o -name '*ModelSnapshot.cs' -delete
  dotnet ef migrations add Initial --project src/Zhifu.Data --context "${provider}ZhifuDb" \
    --output-dir "Migrations/$provider" --namespace "Zhifu.Data.Migrations.$provider" >/dev/null
  # With a hand-written migration in the folder, dotnet ef puts the snapshot under a namespace-shaped path: bring it home.
  if [ -d src/Zhifu.Data/Zhifu ]; then
    find src/Zhifu.Data/Zhifu -name "${provider}ZhifuDbModelSnapshot.cs" -exec mv {} "$dir/" \;
  fi
  echo "regenerated $dir"
done
rm -rf src/Zhifu.Data/Zhifu
