package e2e

// Managed policy changes made on one node of a PostgreSQL cluster take
// effect on the other: its identity cache drops what read the records
// another node's commit notice names (the group, the policy).

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestManagedPolicyAcrossNodes(t *testing.T) {
	c := startCluster(t, 2)
	n1, n2 := c.nodes[0], c.nodes[1]
	ctx := context.Background()
	alias, _ := azAccessPoint(t, n1.Env, "mp-nodes", "")
	apWaitState(t, n2.Env, "mp-nodes", "AVAILABLE")
	u1 := azUser(t, n1.Env, "erin", "")
	u2 := azClientsFor(n2.Env, u1.KeyID, u1.Secret) // the same key, signed for node 2
	mpGroupMember(t, n1.IAM, "erin")
	arn := mpPolicy(t, n1.IAM, "read-public", "mp-nodes", "public/*")
	// Node 2 caches the user's (empty) permissions first.
	azWant(t, "before the attach, on node 2", azGet(u2, alias, "public/a.txt"), "AccessDenied")

	if _, err := n1.IAM.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	within(t, propagationBound, "attach on node 1 allows on node 2", func() bool { return azGet(u2, alias, "public/a.txt") == nil })
	if _, err := n1.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
		PolicyDocument: aws.String(mpGetDoc("mp-nodes", "*")), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	within(t, propagationBound, "new default version on node 1 applies on node 2", func() bool { return azGet(u2, alias, "secret/b.txt") == nil })
	if _, err := n1.IAM.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	within(t, propagationBound, "detach on node 1 revokes on node 2", func() bool { return apCode(azGet(u2, alias, "public/a.txt")) == "AccessDenied" })
}
