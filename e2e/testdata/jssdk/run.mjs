// run.mjs drives fsxd with the AWS SDK for JavaScript v3, a second opinion
// beside aws-sdk-go-v2 (e2e/jssdk_test.go runs it). The clients keep the
// SDK's defaults, checksums included: what a Node.js user gets is what is
// tested. Each step's result goes into one JSON summary on stdout; the
// first step that throws is recorded with its error and ends the run with
// exit code 1, so the Go test can say which step failed.
//
// Environment: FSXD_ENDPOINT, FSXD_ACCESS_KEY_ID, FSXD_SECRET_ACCESS_KEY,
// FSXD_REGION.
import {
  FSxClient, CreateFileSystemCommand, DescribeFileSystemsCommand, CreateVolumeCommand,
  DescribeVolumesCommand, CreateAndAttachS3AccessPointCommand,
  DescribeS3AccessPointAttachmentsCommand, DetachAndDeleteS3AccessPointCommand,
} from "@aws-sdk/client-fsx";
import {
  S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, CopyObjectCommand,
  ListObjectsV2Command, DeleteObjectsCommand, GetObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const config = {
  endpoint: env("FSXD_ENDPOINT"),
  region: env("FSXD_REGION"),
  credentials: { accessKeyId: env("FSXD_ACCESS_KEY_ID"), secretAccessKey: env("FSXD_SECRET_ACCESS_KEY") },
  maxAttempts: 1, // a test must see the first answer
};
const fsx = new FSxClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });

// sent records the checksum and coding headers of each S3 request as it
// leaves the SDK (after signing), to show what the defaults put on the wire.
const sent = [];
const wireHeaders = /^(x-amz-checksum-|x-amz-sdk-checksum-algorithm$|x-amz-trailer$|x-amz-content-sha256$|x-amz-decoded-content-length$|content-encoding$|content-md5$|transfer-encoding$)/i;
s3.middlewareStack.add((next, context) => async (args) => {
  const h = {};
  for (const [k, v] of Object.entries(args.request.headers ?? {})) {
    if (wireHeaders.test(k)) h[k.toLowerCase()] = v;
  }
  sent.push({ op: context.commandName, headers: h });
  return next(args);
}, { step: "finalizeRequest", priority: "low", name: "fsxdRecordHeaders" });

const summary = { steps: {}, sent };
let failed = false;

// step runs fn, records what it returns (or its error) under name, and
// stops the run at the first failure.
async function step(name, fn) {
  if (failed) return undefined;
  try {
    const out = (await fn()) ?? {};
    summary.steps[name] = { ok: true, ...out };
    return out;
  } catch (err) {
    failed = true;
    summary.steps[name] = { ok: false, error: `${err.name}: ${err.message}`, status: err.$metadata?.httpStatusCode };
    return undefined;
  }
}

function check(cond, what) {
  if (!cond) throw new Error(`mismatch: ${what}`);
}

async function until(what, fn) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// errorOf runs fn, which must fail, and returns its error.
async function errorOf(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("mismatch: the call succeeded");
}

const apName = "js-ap";
let fsId, rootVol, volId, alias;

await step("CreateFileSystem", async () => {
  const out = await fsx.send(new CreateFileSystemCommand({
    FileSystemType: "OPENZFS", StorageCapacity: 64, SubnetIds: ["subnet-0123456789abcdef0"],
    OpenZFSConfiguration: { DeploymentType: "SINGLE_AZ_HA_2", ThroughputCapacity: 320, RootVolumeConfiguration: {} },
  }));
  fsId = out.FileSystem.FileSystemId;
  rootVol = out.FileSystem.OpenZFSConfiguration.RootVolumeId;
  check(fsId && rootVol, "file system and root volume ids");
  const lc = await until("AVAILABLE", async () => {
    const d = await fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: [fsId] }));
    return d.FileSystems[0].Lifecycle === "AVAILABLE" && d.FileSystems[0].Lifecycle;
  });
  return { fileSystemId: fsId, lifecycle: lc };
});

await step("CreateVolume", async () => {
  const out = await fsx.send(new CreateVolumeCommand({
    VolumeType: "OPENZFS", Name: "jsdata", OpenZFSConfiguration: { ParentVolumeId: rootVol },
  }));
  volId = out.Volume.VolumeId;
  const lc = await until("volume AVAILABLE", async () => {
    const d = await fsx.send(new DescribeVolumesCommand({ VolumeIds: [volId] }));
    return d.Volumes[0].Lifecycle === "AVAILABLE" && d.Volumes[0].Lifecycle;
  });
  return { volumeId: volId, lifecycle: lc };
});

await step("CreateAndAttachS3AccessPoint", async () => {
  const out = await fsx.send(new CreateAndAttachS3AccessPointCommand({
    Name: apName, Type: "OPENZFS",
    OpenZFSConfiguration: {
      VolumeId: volId,
      FileSystemIdentity: { Type: "POSIX", PosixUser: { Uid: 1001, Gid: 1001, SecondaryGids: [4000] } },
    },
  }));
  alias = out.S3AccessPointAttachment.S3AccessPoint.Alias;
  check(alias, "an alias");
  return { alias };
});

await step("DescribeS3AccessPointAttachments", async () => {
  const a = await until("access point AVAILABLE", async () => {
    const d = await fsx.send(new DescribeS3AccessPointAttachmentsCommand({ Names: [apName] }));
    const a = d.S3AccessPointAttachments[0];
    return a.Lifecycle === "AVAILABLE" && a;
  });
  check(a.S3AccessPoint.Alias === alias, "alias described as created");
  check(a.OpenZFSConfiguration.FileSystemIdentity.PosixUser.Uid === 1001, "POSIX uid 1001");
  return { lifecycle: a.Lifecycle, volumeId: a.OpenZFSConfiguration.VolumeId, uid: a.OpenZFSConfiguration.FileSystemIdentity.PosixUser.Uid };
});

const text = "hello from the JavaScript SDK\n";
const bytes = Buffer.from(Array.from({ length: 70000 }, (_, i) => i % 251));
const get = async (key, extra = {}) => s3.send(new GetObjectCommand({ Bucket: alias, Key: key, ...extra }));

await step("PutObject", async () => {
  const a = await s3.send(new PutObjectCommand({ Bucket: alias, Key: "docs/hello.txt", Body: text }));
  const b = await s3.send(new PutObjectCommand({ Bucket: alias, Key: "data/bytes.bin", Body: bytes }));
  check(a.ETag && b.ETag, "ETags");
  return { stringETag: a.ETag, bufferETag: b.ETag, crc32: a.ChecksumCRC32 ?? "" };
});

// A stream body (a file, as most Node.js code uploads) is where the SDK
// switches to an aws-chunked body with the CRC32 in a trailer.
await step("PutObjectStream", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fsxd-js-"));
  const file = join(dir, "stream.bin");
  await writeFile(file, bytes);
  try {
    const out = await s3.send(new PutObjectCommand({
      Bucket: alias, Key: "data/stream.bin", Body: createReadStream(file), ContentLength: bytes.length,
    }));
    const back = Buffer.from(await (await get("data/stream.bin")).Body.transformToByteArray());
    check(back.equals(bytes), `stream body (${back.length} bytes, want ${bytes.length})`);
    return { eTag: out.ETag, crc32: out.ChecksumCRC32 ?? "" };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

await step("GetObject", async () => {
  const a = await get("docs/hello.txt");
  const s = await a.Body.transformToString();
  check(s === text, `string body ${JSON.stringify(s)}`);
  const b = Buffer.from(await (await get("data/bytes.bin")).Body.transformToByteArray());
  check(b.equals(bytes), `buffer body (${b.length} bytes, want ${bytes.length})`);
  return { body: s, contentType: a.ContentType, storageClass: a.StorageClass ?? "", bytes: b.length };
});

await step("HeadObject", async () => {
  const h = await s3.send(new HeadObjectCommand({ Bucket: alias, Key: "data/bytes.bin" }));
  check(h.ContentLength === bytes.length, `ContentLength ${h.ContentLength}`);
  return { contentLength: h.ContentLength, eTag: h.ETag, lastModified: h.LastModified?.toISOString() };
});

await step("MetadataAndTags", async () => {
  await s3.send(new PutObjectCommand({
    Bucket: alias, Key: "docs/meta.txt", Body: "meta", ContentType: "text/plain",
    Metadata: { color: "blue", "owner-name": "js" }, Tagging: "project=fsxd&client=js-sdk",
  }));
  const h = await s3.send(new HeadObjectCommand({ Bucket: alias, Key: "docs/meta.txt" }));
  check(h.Metadata?.color === "blue" && h.Metadata?.["owner-name"] === "js", `metadata ${JSON.stringify(h.Metadata)}`);
  check(h.ContentType === "text/plain", `content type ${h.ContentType}`);
  const t = await s3.send(new GetObjectTaggingCommand({ Bucket: alias, Key: "docs/meta.txt" }));
  const tags = Object.fromEntries(t.TagSet.map((x) => [x.Key, x.Value]));
  check(tags.project === "fsxd" && tags.client === "js-sdk", `tags ${JSON.stringify(tags)}`);
  return { metadata: h.Metadata, tags };
});

await step("CopyObject", async () => {
  const c = await s3.send(new CopyObjectCommand({ Bucket: alias, Key: "docs/copy.txt", CopySource: `${alias}/docs/hello.txt` }));
  const s = await (await get("docs/copy.txt")).Body.transformToString();
  check(s === text, `copy body ${JSON.stringify(s)}`);
  return { eTag: c.CopyObjectResult?.ETag };
});

await step("ListObjectsV2", async () => {
  for (const k of ["list/a", "list/b", "list/c", "list/d/1", "list/e/2"]) {
    await s3.send(new PutObjectCommand({ Bucket: alias, Key: k, Body: k }));
  }
  const keys = [], prefixes = [];
  let token, pages = 0;
  do {
    const p = await s3.send(new ListObjectsV2Command({ Bucket: alias, Prefix: "list/", Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
    pages++;
    check(p.KeyCount <= 2, `KeyCount ${p.KeyCount} above MaxKeys`);
    keys.push(...(p.Contents ?? []).map((o) => o.Key));
    prefixes.push(...(p.CommonPrefixes ?? []).map((o) => o.Prefix));
    token = p.IsTruncated ? p.NextContinuationToken : undefined;
    check(!p.IsTruncated || token, "a truncated page without NextContinuationToken");
  } while (token && pages < 10);
  check(JSON.stringify(keys) === JSON.stringify(["list/a", "list/b", "list/c"]), `keys ${JSON.stringify(keys)}`);
  check(JSON.stringify(prefixes) === JSON.stringify(["list/d/", "list/e/"]), `prefixes ${JSON.stringify(prefixes)}`);
  return { pages, keys, prefixes };
});

await step("MultipartUpload", async () => {
  const big = Buffer.alloc(12 * 1024 * 1024 + 12345);
  for (let i = 0; i + 4 <= big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  const up = new Upload({ client: s3, params: { Bucket: alias, Key: "data/big.bin", Body: big }, partSize: 5 * 1024 * 1024, queueSize: 2 });
  const out = await up.done();
  check(/-3"?$/.test(out.ETag), `multipart ETag ${out.ETag}`);
  const back = Buffer.from(await (await get("data/big.bin")).Body.transformToByteArray());
  check(back.equals(big), `multipart body (${back.length} bytes, want ${big.length})`);
  return { eTag: out.ETag, bytes: back.length };
});

await step("DeleteObjects", async () => {
  const keys = ["list/a", "list/b", "list/c", "list/d/1", "list/e/2"];
  const out = await s3.send(new DeleteObjectsCommand({ Bucket: alias, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  check((out.Errors ?? []).length === 0, `errors ${JSON.stringify(out.Errors)}`);
  check((out.Deleted ?? []).length === keys.length, `deleted ${out.Deleted?.length}`);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: alias, Prefix: "list/" }));
  check((left.KeyCount ?? 0) === 0, `left after delete ${left.KeyCount}`);
  return { deleted: out.Deleted.length };
});

await step("ConditionalGet", async () => {
  const h = await s3.send(new HeadObjectCommand({ Bucket: alias, Key: "docs/hello.txt" }));
  const err = await errorOf(() => get("docs/hello.txt", { IfNoneMatch: h.ETag }));
  const status = err.$metadata?.httpStatusCode;
  check(status === 304, `status ${status} (${err.name})`);
  const ok = await get("docs/hello.txt", { IfNoneMatch: '"0123456789abcdef0123456789abcdef"' });
  check((await ok.Body.transformToString()) === text, "body when the ETag differs");
  return { status, name: err.name };
});

await step("PresignedGet", async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: alias, Key: "docs/hello.txt" }), { expiresIn: 300 });
  const res = await fetch(url);
  const body = await res.text();
  check(res.status === 200 && body === text, `presigned GET ${res.status} ${JSON.stringify(body.slice(0, 200))}`);
  return { status: res.status, signed: new URL(url).searchParams.get("X-Amz-Algorithm") };
});

// The presigner signs PutObject with no body, so at the SDK's defaults the
// URL carries the CRC32 of nothing (AAAAAA==); the body PUT to it differs.
// fsxd ignores checksums in a URL's query, as S3 does (docs/decisions.md).
await step("PresignedPut", async () => {
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: alias, Key: "docs/presigned.txt" }), { expiresIn: 300 });
  const q = new URL(url).searchParams;
  const res = await fetch(url, { method: "PUT", body: text });
  const body = await res.text();
  check(res.status === 200, `presigned PUT ${res.status} ${body.slice(0, 300)}`);
  const back = await (await get("docs/presigned.txt")).Body.transformToString();
  check(back === text, `presigned PUT stored ${JSON.stringify(back)}`);
  return { status: res.status, queryCRC32: q.get("x-amz-checksum-crc32") ?? "", queryAlgorithm: q.get("x-amz-sdk-checksum-algorithm") ?? "" };
});

await step("NoSuchKey", async () => {
  const err = await errorOf(() => get("docs/missing.txt"));
  const status = err.$metadata?.httpStatusCode;
  check(err.name === "NoSuchKey" && status === 404, `${err.name} ${status}`);
  // A HEAD has no body to name the error: the SDK calls any 404 NotFound.
  const head = await errorOf(() => s3.send(new HeadObjectCommand({ Bucket: alias, Key: "docs/missing.txt" })));
  check(head.name === "NotFound" && head.$metadata?.httpStatusCode === 404, `HEAD ${head.name} ${head.$metadata?.httpStatusCode}`);
  return { name: err.name, status, requestId: err.$metadata?.requestId ?? "", headName: head.name };
});

await step("FSxNotFound", async () => {
  const err = await errorOf(() => fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: ["fs-0123456789abcdef0"] })));
  const status = err.$metadata?.httpStatusCode;
  check(err.name === "FileSystemNotFound" && status === 400 && err.message, `${err.name} ${status} ${err.message}`);
  return { name: err.name, status, message: err.message };
});

await step("DetachAndDeleteS3AccessPoint", async () => {
  const out = await fsx.send(new DetachAndDeleteS3AccessPointCommand({ Name: apName }));
  await until("access point gone", async () => {
    try {
      await fsx.send(new DescribeS3AccessPointAttachmentsCommand({ Names: [apName] }));
      return false;
    } catch (err) {
      if (err.name === "S3AccessPointAttachmentNotFound") return true;
      throw err;
    }
  });
  return { lifecycle: out.Lifecycle };
});

console.log(JSON.stringify(summary, null, 1));
process.exitCode = failed ? 1 : 0;
