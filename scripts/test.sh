#!/usr/bin/env bash
# The whole test suite: installs the MLIR/LLVM tools when missing, then runs
# gofmt, go vet and every test with the tools required (a missing tool is a
# failure, not a skip). Extra arguments go to `go test` (e.g. -update, -run X).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
Q35C_REQUIRE_TOOLS=1 go test -count=1 "$@" ./...
