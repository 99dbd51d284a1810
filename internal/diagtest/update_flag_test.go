package diagtest

// Every test binary accepts -update, so that go test ./... -update works.
import _ "github.com/q35c/q35c/internal/golden"
