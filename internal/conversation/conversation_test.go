package conversation_test

import (
	"context"
	"os"
	"testing"

	"evalbot/internal/conversation"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

type data struct {
	Kind string  `json:"kind,omitempty"`
	IDs  []int64 `json:"ids,omitempty"`
}

// A step is set, replaced, read back with its data and time, and cleared;
// someone without a step reads "".
func TestStepRoundTrip(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	var d data
	if step, err := conversation.Get(ctx, pool, 42, &d); err != nil || step != "" {
		t.Fatalf("no step: %q, %v", step, err)
	}
	if _, ok, err := conversation.UpdatedAt(ctx, pool, 42); err != nil || ok {
		t.Fatalf("no step has a time: %v, %v", ok, err)
	}
	if err := conversation.Set(ctx, pool, 42, "plan_tasks", data{Kind: "week"}); err != nil {
		t.Fatal(err)
	}
	if err := conversation.Set(ctx, pool, 42, "approve_all", data{IDs: []int64{3, 5}}); err != nil {
		t.Fatal(err)
	}
	step, err := conversation.Get(ctx, pool, 42, &d)
	if err != nil || step != "approve_all" || d.Kind != "" || len(d.IDs) != 2 || d.IDs[1] != 5 {
		t.Fatalf("after replacing: %q %+v, %v", step, d, err)
	}
	if at, ok, err := conversation.UpdatedAt(ctx, pool, 42); err != nil || !ok || at.IsZero() {
		t.Fatalf("the step's time: %v %v, %v", at, ok, err)
	}
	if err := conversation.Clear(ctx, pool, 42); err != nil {
		t.Fatal(err)
	}
	if step, err := conversation.Get(ctx, pool, 42, &data{}); err != nil || step != "" {
		t.Fatalf("after clearing: %q, %v", step, err)
	}
}
