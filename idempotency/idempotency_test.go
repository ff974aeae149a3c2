package idempotency

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

// request stands for a generated request shape.
type request struct {
	ClientRequestToken *string `json:"ClientRequestToken,omitzero"`
	Name               *string `json:"Name,omitzero"`
	Size               *int64  `json:"Size,omitzero"`
	Config             *config `json:"Config,omitzero"`
	Tags               []tag   `json:"Tags,omitzero"`
	Password           *string `json:"Password,omitzero" fsx:"sensitive"`
}

type config struct {
	VolumeId *string   `json:"VolumeId,omitzero"`
	User     *identity `json:"User,omitzero"`
	Servers  []server  `json:"Servers,omitzero"`
}

type server struct {
	Host   *string `json:"Host,omitzero"`
	Secret *string `json:"Secret,omitzero" fsx:"sensitive"`
}

type identity struct {
	Uid *int64 `json:"Uid,omitzero"`
}

type tag struct{ Key, Value string }

type response struct{ ID string }

func ptr[T any](v T) *T { return &v }

func newStore(t *testing.T) *store.Store {
	t.Helper()
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(b)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestOnce: a token's first use acts and is remembered; its reuse with
// the same parameters replays, with others is refused; without a token,
// every request acts.
func TestOnce(t *testing.T) {
	st := newStore(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	acted := 0
	run := func(op string, req *request) (*response, error) {
		t.Helper()
		var out *response
		err := st.Update(context.Background(), func(tx *store.Tx) error {
			var err error
			out, err = Once(tx, op, req.ClientRequestToken, req, nil, now, func() (*response, string, error) {
				acted++
				if req.Name != nil && *req.Name == "fails" {
					return nil, "", errors.New("refused")
				}
				return &response{ID: "r" + string(rune('0'+acted))}, "r", nil
			})
			return err
		})
		return out, err
	}
	// answer is the response's ID, "≠Member" for IncompatibleParameterError
	// naming Member, or the error.
	answer := func(out *response, err error) string {
		var e *awserr.Error
		switch {
		case errors.As(err, &e) && e.Code == "IncompatibleParameterError":
			return "≠" + e.Fields["Parameter"]
		case err != nil:
			return err.Error()
		}
		return out.ID
	}
	check := func(op string, req *request, want string, wantActed int) {
		t.Helper()
		if got := answer(run(op, req)); got != want {
			t.Errorf("%s %+v: got %s, want %s", op, req, got, want)
		}
		if acted != wantActed {
			t.Errorf("%s %+v: acted %d times in all, want %d", op, req, acted, wantActed)
		}
	}
	tok := ptr("tok-1")
	check("Create", &request{Name: ptr("a")}, "r1", 1)
	check("Create", &request{Name: ptr("a")}, "r2", 2)
	check("Create", &request{Name: ptr("a"), ClientRequestToken: ptr("")}, "r3", 3)
	check("Create", &request{Name: ptr("a"), ClientRequestToken: tok, Size: ptr[int64](64)}, "r4", 4)
	check("Create", &request{Size: ptr[int64](64), ClientRequestToken: tok, Name: ptr("a")}, "r4", 4)
	check("Create", &request{Name: ptr("a"), ClientRequestToken: tok, Size: ptr[int64](65)}, "≠Size", 4)
	check("Create", &request{Name: ptr("a"), ClientRequestToken: tok}, "≠Size", 4)
	check("Create", &request{Name: ptr("b"), ClientRequestToken: tok, Size: ptr[int64](65)}, "≠Name", 4)
	check("Delete", &request{Name: ptr("b"), ClientRequestToken: tok}, "r5", 5) // tokens are per operation
	check("Delete", &request{Name: ptr("fails"), ClientRequestToken: ptr("tok-2")}, "refused", 6)
	check("Delete", &request{Name: ptr("b"), ClientRequestToken: ptr("tok-2")}, "r7", 7) // a failure is not remembered
	check("Delete", &request{Name: ptr("b"), ClientRequestToken: ptr("tok-2")}, "r7", 7)
}

// TestFirstDiff reads like a truth table: two requests, and the member
// IncompatibleParameterError names.
func TestFirstDiff(t *testing.T) {
	check := func(a, b *request, want string) {
		t.Helper()
		pa, err := canonical(a, nil)
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := canonical(b, nil)
		if got := firstDiff(reflect.TypeOf(a), pa, pb); got != want {
			t.Errorf("%s vs %s: got %q, want %q", pa, pb, got, want)
		}
	}
	vol := func(id string, uid int64) *config { return &config{VolumeId: ptr(id), User: &identity{Uid: ptr(uid)}} }
	check(&request{Name: ptr("a")}, &request{Name: ptr("b")}, "Name")
	check(&request{Name: ptr("a")}, &request{Name: ptr("b"), Size: ptr[int64](1)}, "Name")
	check(&request{Name: ptr("a")}, &request{Name: ptr("a"), Size: ptr[int64](1)}, "Size")
	check(&request{Config: vol("v1", 1)}, &request{Config: vol("v2", 1)}, "Config.VolumeId")
	check(&request{Config: vol("v1", 1)}, &request{Config: vol("v1", 2)}, "Config.User.Uid")
	check(&request{Config: vol("v1", 1)}, &request{}, "Config")
	check(&request{Tags: []tag{{"k", "v"}}}, &request{Tags: []tag{{"k", "w"}}}, "Tags")
	check(&request{ClientRequestToken: ptr("x")}, &request{ClientRequestToken: ptr("y")}, Member) // equal parameters: nothing else to name
}

// canonical leaves the token out, and the same parameters always give the
// same bytes.
func TestCanonical(t *testing.T) {
	a, _ := canonical(&request{ClientRequestToken: ptr("x"), Size: ptr[int64](12345678901234567), Name: ptr("n")}, nil)
	b, _ := canonical(&request{Name: ptr("n"), Size: ptr[int64](12345678901234567)}, nil)
	if string(a) != string(b) || string(a) != `{"Name":"n","Size":12345678901234567}` {
		t.Errorf("canonical: %s and %s", a, b)
	}
	var m map[string]any
	if json.Unmarshal(a, &m) != nil || m[Member] != nil {
		t.Errorf("canonical kept the token: %s", a)
	}
}
