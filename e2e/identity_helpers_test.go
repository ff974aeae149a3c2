package e2e

// Helpers for the identity tests: a volume seen two ways, through
// S3 access points as their POSIX identities and on disk as an
// administrator sees it beside S3.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// idUser is an OpenZFS access point's POSIX identity.
type idUser struct {
	uid, gid int64
	groups   []int64
}

// idVol is one volume: dir on disk, and its access points by name.
type idVol struct {
	t     *testing.T
	e     *Env
	dir   string
	alias map[string]string // access point name -> alias
}

// idAttach creates one OpenZFS access point per user on vol and waits
// until all are AVAILABLE.
func idAttach(t *testing.T, e *Env, vol, dir string, users map[string]idUser) *idVol {
	t.Helper()
	v := &idVol{t: t, e: e, dir: dir, alias: map[string]string{}}
	for name, u := range users {
		out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), &fsx.CreateAndAttachS3AccessPointInput{
			Name: aws.String(name), Type: types.S3AccessPointAttachmentTypeOpenzfs,
			OpenZFSConfiguration: &types.CreateAndAttachS3AccessPointOpenZFSConfiguration{
				VolumeId: aws.String(vol),
				FileSystemIdentity: &types.OpenZFSFileSystemIdentity{Type: types.OpenZFSFileSystemUserTypePosix,
					PosixUser: &types.OpenZFSPosixFileSystemUser{Uid: aws.Int64(u.uid), Gid: aws.Int64(u.gid), SecondaryGids: u.groups}},
			},
		})
		if err != nil {
			t.Fatalf("attach %s: %v", name, err)
		}
		v.alias[name] = aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
	}
	for name := range users {
		apWaitState(t, e, name, "AVAILABLE")
	}
	return v
}

// file writes rel beside S3 with an owner and a mode (parents 0755 root).
func (v *idVol) file(rel string, mode os.FileMode, uid, gid int, data string) {
	v.t.Helper()
	p := filepath.Join(v.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		v.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		v.t.Fatal(err)
	}
	v.chown(p, mode, uid, gid)
}

// mkdir makes the directory rel beside S3 with an owner and a mode.
func (v *idVol) mkdir(rel string, mode os.FileMode, uid, gid int) {
	v.t.Helper()
	p := filepath.Join(v.dir, rel)
	if err := os.MkdirAll(p, 0o755); err != nil {
		v.t.Fatal(err)
	}
	v.chown(p, mode, uid, gid)
}

func (v *idVol) chown(p string, mode os.FileMode, uid, gid int) {
	v.t.Helper()
	if err := os.Lchown(p, uid, gid); err != nil {
		v.t.Fatal(err)
	}
	// os.Chmod takes Go's mode bits: carry the sticky bit over by hand.
	if err := syscall.Chmod(p, uint32(mode.Perm())|uint32(mode&0o7000)); err != nil {
		v.t.Fatal(err)
	}
}

// stat is rel's owner and permission bits (with setuid, setgid, sticky),
// read with Lstat.
func (v *idVol) stat(rel string) (uid, gid, mode uint32) {
	v.t.Helper()
	fi, err := os.Lstat(filepath.Join(v.dir, rel))
	if err != nil {
		v.t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid, st.Mode & 0o7777
}

// wantOwner checks rel's owner and permission bits.
func (v *idVol) wantOwner(rel string, uid, gid, mode uint32) {
	v.t.Helper()
	gu, gg, gm := v.stat(rel)
	if gu != uid || gg != gid || gm != mode {
		v.t.Errorf("%s: %d:%d %04o, want %d:%d %04o", rel, gu, gg, gm, uid, gid, mode)
	}
}

// tree describes every entry below the volume, hidden ones included, one
// line each: path, type and mode, owner, size, and content of small files.
func (v *idVol) tree() string {
	v.t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(v.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == v.dir {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(&b, "%s %o %d:%d %d", strings.TrimPrefix(p, v.dir+"/"), st.Mode, st.Uid, st.Gid, st.Size)
		if fi.Mode().IsRegular() && st.Size < 64 {
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %q", data)
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		v.t.Fatal(err)
	}
	return b.String()
}

// do performs op on key through access point ap and returns the S3 error
// code, "" on success. Ops: GET, PUT (of "by <ap>", or nothing for a
// key ending in /), DELETE, LIST (key is the prefix),
// MPU (CreateMultipartUpload), COPY (key is "dst<src").
func (v *idVol) do(op, ap, key string) string {
	v.t.Helper()
	ctx := context.Background()
	bucket, ok := v.alias[ap]
	if !ok {
		v.t.Fatalf("no access point %q", ap)
	}
	b := aws.String(bucket)
	var err error
	switch op {
	case "GET":
		_, err = v.get(ap, key)
	case "PUT":
		body := "by " + ap
		if strings.HasSuffix(key, "/") {
			body = "" // a directory object
		}
		_, err = v.e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader(body)})
	case "DELETE":
		_, err = v.e.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(key)})
	case "LIST":
		_, err = v.list(ap, key)
	case "MPU":
		_, err = v.e.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String(key)})
	case "COPY":
		dst, src, _ := strings.Cut(key, "<")
		_, err = v.e.S3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String(dst), CopySource: aws.String(bucket + "/" + src)})
	default:
		v.t.Fatalf("unknown op %s", op)
	}
	return idCode(err)
}

// want checks that op on key through ap ends as want ("" or an error code).
func (v *idVol) want(op, ap, key, want string) {
	v.t.Helper()
	if got := v.do(op, ap, key); got != want {
		v.t.Errorf("%s %s as %s: %q, want %q", op, key, ap, got, want)
	}
}

func (v *idVol) get(ap, key string) (string, error) {
	out, err := v.e.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(v.alias[ap]), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	return string(data), err
}

// list is every key below prefix, all pages.
func (v *idVol) list(ap, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(v.e.S3, &s3.ListObjectsV2Input{Bucket: aws.String(v.alias[ap]), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// multipart uploads data in two parts through ap.
func (v *idVol) multipart(ap, key string, data []byte) error {
	ctx := context.Background()
	b := aws.String(v.alias[ap])
	mpu, err := v.e.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String(key)})
	if err != nil {
		return err
	}
	const partSize = 5 << 20
	var parts []s3types.CompletedPart
	for i := int32(1); len(data) > 0; i++ {
		n := min(partSize, len(data))
		out, err := v.e.S3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String(key), UploadId: mpu.UploadId,
			PartNumber: aws.Int32(i), Body: bytes.NewReader(data[:n])})
		if err != nil {
			return err
		}
		parts = append(parts, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(i)})
		data = data[n:]
	}
	_, err = v.e.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String(key), UploadId: mpu.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	return err
}

// idCode is err's S3 error code, "" for nil. AccessDenied must come with
// 403, or it is reported as such.
func idCode(err error) string {
	code := apCode(err)
	var re *awshttp.ResponseError
	if code == "AccessDenied" && (!errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden) {
		return "AccessDenied without 403: " + err.Error()
	}
	return code
}
