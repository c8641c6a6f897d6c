#!/usr/bin/env bash
# Runs a command on the project's Node.js (.node-version; see deploy/lib.sh): the npm scripts go
# through here, so `npm run token`, `npm run build`, … run on it even where the machine's node is older.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec "$@"
