package archtest

import (
	"os/exec"
	"sort"
	"strings"
	"testing"

	_ "github.com/q35c/q35c/internal/golden" // accepts -update
)

const module = "github.com/q35c/q35c"

// allowed lists, for each of our packages, which of our packages its
// non-test code may import. A package missing from this table fails the
// test: a new package must say where it sits in the layering.
var allowed = map[string][]string{
	"internal/diag":      {},
	"internal/golden":    {},
	"internal/diagtest":  {"internal/diag"},
	"internal/toolchain": {},
	"internal/native":    {"ir", "emit", "internal/toolchain"},
	"internal/tensorio":  {},
	"internal/archtest":  {},
	"ir":                 {"internal/diag"},
	"frontend":           {"ir", "internal/diag"},
	"passes":             {"ir", "internal/diag"},
	"emit":               {"ir", "internal/diag"},
	"lpusim":             {"ir", "internal/diag"},
	"runtime":            {},
	"cmd/q35c":           {"*"},
}

func TestImportsFlowOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		rules, ok := allowed[rel]
		if !ok {
			t.Errorf("package %s is not in the layering table of imports_test.go", rel)
			continue
		}
		seen++
		for _, imp := range strings.Fields(imports) {
			dep, ours := strings.CutPrefix(imp, module+"/")
			if !ours || permitted(rules, dep) {
				continue
			}
			t.Errorf("%s imports %s, which breaks the one-way layering (allowed: %s)", rel, dep, list(rules))
		}
	}
	if seen < 5 {
		t.Fatalf("go list found only %d of our packages; is the module path right?", seen)
	}
}

func permitted(rules []string, dep string) bool {
	for _, r := range rules {
		if r == "*" || r == dep {
			return true
		}
	}
	return false
}

func list(rules []string) string {
	if len(rules) == 0 {
		return "none of ours"
	}
	s := append([]string(nil), rules...)
	sort.Strings(s)
	return strings.Join(s, ", ")
}
