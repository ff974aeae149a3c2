package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Cold IAM evaluation, the second half of the scaling section: what the
// first GET of a user with many identity-policy statements costs fsxd
// right after the user's cached key and policies were dropped, as a
// ratio to the smallest case. IAM caps a user's inline policies at 2,048
// bytes and each group's at 5,120, ten groups per user, so large cases
// spread their statements over groups, as a real account must.

// How many GETs each case measures: CPU is read in 10 ms ticks, so it
// takes a few hundred cold GETs (about a millisecond each) and a
// thousand warm ones (a tenth of that) to resolve them to a few percent;
// the cold figure is a difference of two such sums, hence more of them.
const (
	iamReps     = 300
	iamWarmReps = 1000
)

// Size budgets for one inline-policy document, below IAM's aggregate
// limits (identity.MaxUserPolicySize, MaxGroupPolicySize) with room for
// the document's own framing.
const (
	iamUserBudget  = 1900
	iamGroupBudget = 5000
	iamMaxGroups   = 10
)

type iamRow struct {
	statements        int
	warm, cold, flush time.Duration // fsxd CPU per GET (warm, cold) and per flush
	coldWall          time.Duration // client-side p50 of the cold GET alone
	// CPU per GET right after another user's policy write, and per such
	// write: with caches dropped per principal, a warm GET.
	unrelated, otherFlush time.Duration
}

// iamUser is one case's IAM user: its policies and an S3 client signed
// with its key.
type iamUser struct {
	name, own string
	s3        *s3.Client
}

func (s *suite) scaleIAM(ctx context.Context) {
	t := s.targets[Fsxd]
	counts := []int{10, 100, 620}
	if s.cfg.Short {
		counts = []int{10, 100}
	}
	ic := newIAMClient(t.Proc)
	key := t.Prefix + "scale-iam/obj"
	if _, err := t.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(t.Bucket), Key: aws.String(key),
		Body: strings.NewReader("cold")}); err != nil {
		fmt.Fprintf(s.cfg.Out, "scaling IAM: seeding %s: %v\n", key, err)
		return
	}
	root, err := cpuPer(t.Proc, iamWarmReps, func() error { return getAll(ctx, t.S3, t.Bucket, key) })
	if err != nil {
		fmt.Fprintf(s.cfg.Out, "scaling IAM: root GET: %v\n", err)
		return
	}
	other, err := makeOtherUser(ctx, ic)
	if err != nil {
		fmt.Fprintf(s.cfg.Out, "scaling IAM: %v\n", err)
		return
	}
	var rows []iamRow
	for _, n := range counts {
		u, err := makeIAMUser(ctx, ic, t.Proc, n)
		if err == nil {
			var r iamRow
			r, err = measureIAM(ctx, ic, t, u, other, key, n)
			rows = append(rows, r)
		}
		if err != nil {
			fmt.Fprintf(s.cfg.Out, "scaling IAM: %d statements: %v\n", n, err)
			return
		}
		fmt.Fprintf(s.cfg.Log, "scaling: IAM %d statements: %s CPU per cold GET\n", n, rows[len(rows)-1].cold)
	}
	s.iamReport(rows, root)
}

func newIAMClient(p *Process) *iam.Client {
	return iam.New(iam.Options{
		Region:       Region,
		BaseEndpoint: aws.String(p.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(p.Key, p.Secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   httpClient(4),
	})
}

// iamStatements are n statements of which only the last allows the GET
// (any object): every other names another bucket, so evaluation reads
// them all.
func iamStatements(n int) []string {
	st := make([]string, n)
	for i := range n - 1 {
		st[i] = fmt.Sprintf(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::n%d/*"}`, i)
	}
	st[n-1] = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	return st
}

// packDoc puts the first statements of st into one policy document of
// at most budget bytes and returns the statements left over.
func packDoc(st []string, budget int) (doc string, rest []string) {
	size, i := 0, 0
	for ; i < len(st) && size+len(st[i])+1 <= budget; i++ {
		size += len(st[i]) + 1
	}
	return policyDoc(st[:i]), st[i:]
}

func policyDoc(st []string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

// makeIAMUser creates user bench-iam-n with an access key and n
// statements: as many as fit in its own inline policy, the rest in
// groups it belongs to.
func makeIAMUser(ctx context.Context, ic *iam.Client, p *Process, n int) (*iamUser, error) {
	name := fmt.Sprintf("bench-iam-%d", n)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		return nil, fmt.Errorf("CreateUser: %w", err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("CreateAccessKey: %w", err)
	}
	own, rest := packDoc(iamStatements(n), iamUserBudget)
	u := &iamUser{name: name, own: own,
		s3: NewS3Client(p.URL, aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), 4)}
	if err := u.putOwn(ctx, ic); err != nil {
		return nil, err
	}
	for g := 0; len(rest) > 0; g++ {
		if g == iamMaxGroups {
			return nil, fmt.Errorf("%d statements do not fit in %d groups", n, iamMaxGroups)
		}
		var doc string
		doc, rest = packDoc(rest, iamGroupBudget)
		if err := makeGroup(ctx, ic, fmt.Sprintf("%s-g%d", name, g), name, doc); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// putOwn puts the user's own inline policy; put again unchanged, it is
// the flush: a store write that drops the user's cached key and
// policies however fine-grained the invalidation is.
func (u *iamUser) putOwn(ctx context.Context, ic *iam.Client) error {
	_, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(u.name),
		PolicyName: aws.String("own"), PolicyDocument: aws.String(u.own)})
	if err != nil {
		return fmt.Errorf("PutUserPolicy: %w", err)
	}
	return nil
}

// makeOtherUser creates the user whose policy writes are unrelated to
// every measured user: it has no key and is in no group.
func makeOtherUser(ctx context.Context, ic *iam.Client) (*iamUser, error) {
	u := &iamUser{name: "bench-iam-other", own: policyDoc(iamStatements(1))}
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.name)}); err != nil {
		return nil, fmt.Errorf("CreateUser: %w", err)
	}
	return u, u.putOwn(ctx, ic)
}

func makeGroup(ctx context.Context, ic *iam.Client, group, user, doc string) error {
	if _, err := ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)}); err != nil {
		return fmt.Errorf("CreateGroup: %w", err)
	}
	if _, err := ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group),
		PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		return fmt.Errorf("PutGroupPolicy: %w", err)
	}
	if _, err := ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)}); err != nil {
		return fmt.Errorf("AddUserToGroup: %w", err)
	}
	return nil
}

// measureIAM measures, in fsxd's CPU: a warm GET (caches full); a flush
// alone; and a flush followed by a GET. The cold GET is the difference of
// the last two. The same again with another user's policy write in place
// of the flush gives the GET after an unrelated write.
func measureIAM(ctx context.Context, ic *iam.Client, t *Target, u, other *iamUser, key string, n int) (iamRow, error) {
	r := iamRow{statements: n}
	flush := func() error { return u.putOwn(ctx, ic) }
	get := func() error { return getAll(ctx, u.s3, t.Bucket, key) }
	if err := get(); err != nil { // the user can read before anything is measured
		return r, fmt.Errorf("GetObject as %s: %w", u.name, err)
	}
	var err error
	if r.warm, err = cpuPer(t.Proc, iamWarmReps, get); err != nil {
		return r, err
	}
	if r.flush, err = cpuPer(t.Proc, iamReps, flush); err != nil {
		return r, err
	}
	walls := make([]time.Duration, 0, iamReps)
	both, err := cpuPer(t.Proc, iamReps, func() error {
		if err := flush(); err != nil {
			return err
		}
		w := time.Now()
		err := get()
		walls = append(walls, time.Since(w))
		return err
	})
	if err != nil {
		return r, err
	}
	slices.Sort(walls)
	r.cold, r.coldWall = max(both-r.flush, 0), walls[len(walls)/2]
	r.unrelated, r.otherFlush, err = afterWrite(t.Proc, func() error { return other.putOwn(ctx, ic) }, get)
	return r, err
}

// afterWrite returns p's CPU per get right after write (the difference
// of write+get and write alone), and per write.
func afterWrite(p *Process, write, get func() error) (afterGet, perWrite time.Duration, err error) {
	if perWrite, err = cpuPer(p, iamReps, write); err != nil {
		return 0, 0, err
	}
	both, err := cpuPer(p, iamReps, func() error {
		if err := write(); err != nil {
			return err
		}
		return get()
	})
	return max(both-perWrite, 0), perWrite, err
}

func getAll(ctx context.Context, c *s3.Client, bucket, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		_, err = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
	return err
}

// cpuPer runs op reps times and returns p's CPU per run.
func cpuPer(p *Process, reps int, op func() error) (time.Duration, error) {
	c0 := procCPU(p)
	for range reps {
		if err := op(); err != nil {
			return 0, err
		}
	}
	return (procCPU(p) - c0) / time.Duration(reps), nil
}

func (s *suite) iamReport(rows []iamRow, root time.Duration) {
	if len(rows) == 0 {
		return
	}
	out := s.cfg.Out
	fmt.Fprintf(out, "\nscaling: cold IAM evaluation, a user's first GET after its cached key and policies were dropped (fsxd CPU, %d GETs per case)\n", iamReps)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "statements\tcold CPU/GET\tratio\twarm CPU/GET\tcold/warm\tcold/root GET\tcold p50 wall\tflush CPU\tGET after other user's write\tother write CPU\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%.2f ms\t%s\t%.2f ms\t%s\t%s\t%.2f ms\t%.2f ms\t%.2f ms\t%.2f ms\t\n", r.statements, ms(r.cold),
			ratioOf(r.cold, rows[0].cold), ms(r.warm), ratioOf(r.cold, r.warm), ratioOf(r.cold, root), ms(r.coldWall), ms(r.flush),
			ms(r.unrelated), ms(r.otherFlush))
	}
	tw.Flush()
	fmt.Fprintf(out, "root GET (no policies): %.2f ms CPU\n", ms(root))
}

// ratioOf is a/b, or "-" when b is below what CPU ticks resolve.
func ratioOf(a, b time.Duration) string {
	if b < 10*time.Microsecond {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}
