// Package archtest holds the test that keeps q35c's imports flowing one way:
// frontend → ir ← passes; emit, lpusim and runtime use ir; only cmd ties
// everything together. It has no code of its own.
package archtest
