package s3api

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentEnds: two Completes of one upload with different part
// lists, or a Complete and an Abort, run together. Part 1 fills the slot
// file and part 2, larger, is a part file, so a Complete of [1, 2] adopts
// the slot file and appends to it: a second Complete must never cut it.
// One end wins whole; the other finds no upload.
func TestConcurrentEnds(t *testing.T) {
	e := newEnv(t)
	p1, p2 := strings.Repeat("a", minPartSize), strings.Repeat("b", minPartSize+4096)
	whole := md5.Sum([]byte(p1 + p2))
	first := md5.Sum([]byte(p1))
	for i := range 8 {
		key := fmt.Sprintf("race/%d", i)
		id := e.createUpload(key)
		e1, e2 := e.uploadPart(key, id, 1, p1), e.uploadPart(key, id, 2, p2)
		bodies := []string{completeBody(e1, e2), completeBody(e1)}
		paths := []string{"/" + testAlias + "/" + key + "?uploadId=" + id, "/" + testAlias + "/" + key + "?uploadId=" + id}
		methods := []string{"POST", "POST"}
		if i%2 == 1 { // a Complete and an Abort
			methods[1], bodies[1] = "DELETE", ""
		}
		var wg sync.WaitGroup
		res := make([]resp, 2)
		for j := range 2 {
			wg.Go(func() { res[j] = e.do(methods[j], paths[j], strings.NewReader(bodies[j])) })
		}
		wg.Wait()
		won := 0
		for j := range 2 {
			if res[j].status/100 == 2 && !strings.Contains(res[j].body, "<Error>") {
				won++
			} else if res[j].code() != "NoSuchUpload" {
				t.Fatalf("%s %d: %d %s", key, j, res[j].status, res[j].body)
			}
		}
		if won != 1 {
			t.Fatalf("%s: %d ends succeeded: %v", key, won, res)
		}
		g := e.get(key)
		got := md5.Sum([]byte(g.body))
		switch {
		case methods[1] == "DELETE" && res[1].status == 204:
			if g.status != 404 {
				t.Fatalf("%s: aborted, yet GET %d", key, g.status)
			}
		case got == whole, got == first && methods[1] == "POST" && res[1].status == 200:
		default:
			t.Fatalf("%s: object of %d bytes (md5 %s) is neither completed list", key, len(g.body), hex.EncodeToString(got[:]))
		}
	}
}
