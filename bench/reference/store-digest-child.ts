// One digest of an S3 folder by the suite's reader, in a process of its own so its peak RSS is
// its own. Usage: tsx store-digest-child.ts <s3-uri>; the store's env (MLFLOW_S3_ENDPOINT_URL,
// keys) is inherited. MG_BENCH_STORE_SERIAL=1 reads each object in one request (no ranges).
import { digestArtifact } from '../../src/artifacts/digest.js'
import { openS3Reader } from '../../src/artifacts/stores/s3.js'

const uri = process.argv[2]!
const serial = process.env.MG_BENCH_STORE_SERIAL === '1'
const started = process.hrtime.bigint()
const reader = await openS3Reader({ uri, scheme: 's3', via: 'bench' }, process.env, {
  ...(serial ? { rangedThreshold: Number.MAX_SAFE_INTEGER } : {})
})
const digest = await digestArtifact(reader)
const ms = Number(process.hrtime.bigint() - started) / 1e6
console.log(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    digest: digest.digest,
    files: Object.fromEntries(digest.files.map(f => [f.path, f.sha256]))
  })
)
