package ir

import "testing"

// FuzzParseIR's second finding: a dot loop whose body is malformed (a
// load of a rank-0 buffer, an i1 add of i32 values) made the verifier's
// PlanDot index past the end; the verifier now plans only loops whose
// nest verified.
func TestParseIRRegressionDotMalformedBody(t *testing.T) {
	_, err := ParseModule("fuzz.ir", []byte("func@0(%A:in i8[],%W:in i8[],%00:in f32[],%01:in f32[],%B:out f32[]){for%m=0 to 0{for%C=0 to 0{%000=const 0x0:f32%00000=for%g=0 to 0 iter(%00001=%C)->(f32){%acc4=const 0:i32%000000,%0000=for%X=%g*8 to(%g+1)*8 iter(%000001=%acc4,%acc3.1=%acc4)->(i32,i32)dot{%0=load%A[]:i8%0001=cast%0:i8 to i32%000002,%000010=for%j=0 to 1 iter(%000007=%acc4,%000008=%acc3.1)->(i32,i32){%1=load%A[]:i8%2=cast%0:i8 to i32%3=const 1:index%4=rem%0,%3:index%5=const 0:index%6=mul%0,%0:index%7=cast%6:index to i32%8=shrs%0,%7:i32%9=const 0:i1%000009=add%acc4,%7:i1%02=load%A[0]:i1}}}}}}"))
	if err == nil {
		t.Fatal("malformed IR parsed and verified")
	}
}
