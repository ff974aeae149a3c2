package bench

import (
	"encoding/json"
	"testing"
)

// TestIAMPacking: the cold-IAM cases' statements fit IAM's size limits
// (the user's own policy, then at most ten groups), every statement is
// put exactly once, and each document is valid JSON.
func TestIAMPacking(t *testing.T) {
	for _, n := range []int{10, 100, 620} {
		doc, rest := packDoc(iamStatements(n), iamUserBudget)
		docs, budgets := []string{doc}, []int{iamUserBudget}
		for len(rest) > 0 && len(docs) <= iamMaxGroups {
			doc, rest = packDoc(rest, iamGroupBudget)
			docs, budgets = append(docs, doc), append(budgets, iamGroupBudget)
		}
		if len(rest) > 0 {
			t.Fatalf("%d statements: %d left after %d groups", n, len(rest), iamMaxGroups)
		}
		total := 0
		for i, d := range docs {
			var v struct{ Statement []json.RawMessage }
			if err := json.Unmarshal([]byte(d), &v); err != nil {
				t.Fatalf("%d statements, doc %d: %v", n, i, err)
			}
			if len(d) > budgets[i]+len(policyDoc(nil)) || len(v.Statement) == 0 {
				t.Errorf("%d statements, doc %d: %d bytes, %d statements", n, i, len(d), len(v.Statement))
			}
			total += len(v.Statement)
		}
		if total != n {
			t.Errorf("%d statements: %d put", n, total)
		}
	}
}
