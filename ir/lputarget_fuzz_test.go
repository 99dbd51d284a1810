package ir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzLPUTarget feeds arbitrary bytes to the target-file loader. It must
// return an error or a target that validates, and what it accepts must
// survive json.Marshal and a second ParseLPUTarget unchanged. Seeds are
// every file of testdata/targets (valid and invalid); the committed corpus
// is in testdata/fuzz/FuzzLPUTarget.
func FuzzLPUTarget(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(targetDir, "*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tgt, err := ParseLPUTarget(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		checkLPUTargetRoundTrip(t, tgt)
	})
}

// checkLPUTargetRoundTrip: an accepted target validates, and marshals to
// JSON that parses to an equal target.
func checkLPUTargetRoundTrip(t *testing.T, tgt *LPUTarget) {
	t.Helper()
	if err := tgt.Validate(); err != nil {
		t.Fatalf("accepted a target that does not validate: %v", err)
	}
	out, err := json.Marshal(tgt)
	if err != nil {
		t.Fatalf("cannot marshal an accepted target: %v", err)
	}
	back, err := ParseLPUTarget(out)
	if err != nil {
		t.Fatalf("cannot parse what we marshalled: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, tgt) {
		t.Fatalf("marshal and parse changed the target:\n%#v\n%#v\n%s", tgt, back, out)
	}
}

// "notes": [] parsed to an empty slice, which json.Marshal omits, so the
// round trip gave nil notes and a different target (found by the
// empty_notes seed of FuzzLPUTarget). An empty list now parses as no notes.
func TestLPUTargetRegressionEmptyNotes(t *testing.T) {
	data, err := json.Marshal(smallLPU())
	if err != nil {
		t.Fatal(err)
	}
	withEmpty := append(data[:len(data)-1:len(data)-1], `,"notes":[]}`...)
	tgt, err := ParseLPUTarget(withEmpty)
	if err != nil {
		t.Fatalf("%v\n%s", err, withEmpty)
	}
	if tgt.Notes != nil {
		t.Errorf("notes: [] parses to %#v, want nil", tgt.Notes)
	}
	checkLPUTargetRoundTrip(t, tgt)
}
