package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// objectsAPI answers the object browser's JSON calls (POST, CSRF
// checked). Object bytes never pass through here: uploads and downloads
// use URLs presigned with the user's key, so the browser talks to the S3
// API itself, with progress, and the API authorizes each request.
func (c *Console) objectsAPI(w http.ResponseWriter, r *http.Request, ss *session) {
	var req objReq
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req) != nil {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	cl := c.clientsFor(r, ss)
	ctx := withRemote(r.Context(), r.RemoteAddr)
	op, ok := objOps[req.Op]
	if !ok {
		http.Error(w, "unknown op", http.StatusBadRequest)
		return
	}
	res, err := op(ctx, cl, req)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		res = map[string]any{"error": apiMessage(err)}
	}
	json.NewEncoder(w).Encode(res)
}

type objReq struct {
	Op, Bucket, Key, UploadID string
	Keys                      []string
	Part                      int32
	Parts                     []objPart
	Expires                   int // seconds, presigned GET
}

type objPart struct {
	N    int32
	ETag string
}

type objOp func(ctx context.Context, cl *clients, q objReq) (any, error)

var objOps = map[string]objOp{
	"put":      presignPut,
	"create":   createUpload,
	"part":     presignPart,
	"complete": completeUpload,
	"abort":    abortUpload,
	"delete":   deleteObjects,
	"mkdir":    mkdir,
	"head":     headObject,
	"link":     presignGet,
}

func presignPut(ctx context.Context, cl *clients, q objReq) (any, error) {
	p, err := cl.presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &q.Bucket, Key: &q.Key}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		return nil, err
	}
	return map[string]string{"url": p.URL}, nil
}

func createUpload(ctx context.Context, cl *clients, q objReq) (any, error) {
	out, err := cl.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &q.Bucket, Key: &q.Key})
	if err != nil {
		return nil, err
	}
	return map[string]string{"uploadId": aws.ToString(out.UploadId)}, nil
}

func presignPart(ctx context.Context, cl *clients, q objReq) (any, error) {
	p, err := cl.presign.PresignUploadPart(ctx, &s3.UploadPartInput{Bucket: &q.Bucket, Key: &q.Key, UploadId: &q.UploadID, PartNumber: aws.Int32(q.Part)}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		return nil, err
	}
	return map[string]string{"url": p.URL}, nil
}

func completeUpload(ctx context.Context, cl *clients, q objReq) (any, error) {
	parts := make([]types.CompletedPart, len(q.Parts))
	for i, p := range q.Parts {
		parts[i] = types.CompletedPart{PartNumber: aws.Int32(p.N), ETag: aws.String(p.ETag)}
	}
	_, err := cl.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &q.Bucket, Key: &q.Key, UploadId: &q.UploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return map[string]bool{"ok": err == nil}, err
}

func abortUpload(ctx context.Context, cl *clients, q objReq) (any, error) {
	_, err := cl.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &q.Bucket, Key: &q.Key, UploadId: &q.UploadID})
	return map[string]bool{"ok": err == nil}, err
}

// deleteObjects deletes one key at a time: each answer is the API's own,
// and a refusal names the key it was for.
func deleteObjects(ctx context.Context, cl *clients, q objReq) (any, error) {
	for _, k := range q.Keys {
		if _, err := cl.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &q.Bucket, Key: aws.String(k)}); err != nil {
			return nil, err
		}
	}
	return map[string]int{"deleted": len(q.Keys)}, nil
}

func mkdir(ctx context.Context, cl *clients, q objReq) (any, error) {
	_, err := cl.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &q.Bucket, Key: &q.Key})
	return map[string]bool{"ok": err == nil}, err
}

func headObject(ctx context.Context, cl *clients, q objReq) (any, error) {
	h, err := cl.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &q.Bucket, Key: &q.Key, ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return nil, err
	}
	res := map[string]any{
		"Size": aws.ToInt64(h.ContentLength), "ETag": aws.ToString(h.ETag), "ContentType": aws.ToString(h.ContentType),
		"LastModified": aws.ToTime(h.LastModified).UTC().Format(time.RFC3339), "Metadata": h.Metadata,
		"ChecksumCRC32": aws.ToString(h.ChecksumCRC32), "ChecksumCRC64NVME": aws.ToString(h.ChecksumCRC64NVME),
		"ChecksumSHA256": aws.ToString(h.ChecksumSHA256), "StorageClass": string(h.StorageClass),
	}
	if t, err := cl.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: &q.Bucket, Key: &q.Key}); err == nil {
		tags := map[string]string{}
		for _, tg := range t.TagSet {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		res["Tags"] = tags
	} else {
		res["Tags"] = apiMessage(err)
	}
	return res, nil
}

// presignGet makes a download link valid for q.Expires seconds (1 s to
// 7 days, SigV4's limit; default 15 minutes).
func presignGet(ctx context.Context, cl *clients, q objReq) (any, error) {
	exp := time.Duration(q.Expires) * time.Second
	if exp <= 0 || exp > 7*24*time.Hour {
		exp = 15 * time.Minute
	}
	p, err := cl.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &q.Bucket, Key: &q.Key}, s3.WithPresignExpires(exp))
	if err != nil {
		return nil, err
	}
	return map[string]string{"url": p.URL, "expires": strconv.Itoa(int(exp.Seconds()))}, nil
}
