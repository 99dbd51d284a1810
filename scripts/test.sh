#!/usr/bin/env bash
# The whole test suite: installs the MLIR/LLVM tools when missing, then runs
# gofmt, go vet, the race detector over the short suite, and then every test
# with the tools required (a missing tool is a failure, not a skip). Extra
# arguments go to both `go test` runs (e.g. -run X).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
export Q35C_REQUIRE_TOOLS=1
# -short leaves out only the 8192x8192 LLaMA layers, which take minutes in
# the interpreter and far longer under the race detector; the next run has them.
go test -race -short -count=1 -timeout 30m "$@" ./...
go test -count=1 -timeout 30m "$@" ./...
