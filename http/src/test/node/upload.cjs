// Uploads one file to a Sluice server with the real tus-js-client, as a user's program would.
// Usage: node upload.cjs ENDPOINT FILE PROTOCOL CHUNK_SIZE [TOKEN]
// PROTOCOL is tus-js-client's option: tus-v1, ietf-draft-03 or ietf-draft-05.
// Prints "ok UPLOAD_URL" and exits 0, or "error MESSAGE" and exits 2. With SLUICE_TUS_PROGRESS=FILE,
// FILE holds "SENT ACCEPTED": the bytes sent so far and those the server has accepted, rewritten as
// they grow (bench scripts watch it).
'use strict'
const fs = require('node:fs')
const tus = require('tus-js-client')

const [endpoint, file, protocol, chunkSize, token] = process.argv.slice(2)
let retries = 0
let lastAccepted = 0
function progress(sent) {
  const file = process.env.SLUICE_TUS_PROGRESS
  if (file) fs.writeFileSync(file, `${sent} ${lastAccepted}\n`)
}
const upload = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  protocol,
  chunkSize: Number(chunkSize),
  retryDelays: Array(30).fill(100),
  headers: token ? { Authorization: `Bearer ${token}` } : {},
  metadata: { filename: 'upload.bin', filetype: 'application/octet-stream' },
  onShouldRetry(error) {
    // tus-js-client's own rule (retry unless a 4xx other than 409 or 423), counting the retries
    retries++
    if (process.env.SLUICE_TUS_DEBUG) console.error(`retry after: ${error.message}`)
    const status = error.originalResponse ? error.originalResponse.getStatus() : 0
    return !(status >= 400 && status < 500) || status === 409 || status === 423
  },
  onProgress(sent) {
    progress(sent)
  },
  onChunkComplete(chunk, accepted) {
    lastAccepted = accepted
    progress(accepted)
  },
  onError(error) {
    console.log(`error ${error.message}`)
    process.exit(2)
  },
  onSuccess() {
    console.log(`ok ${upload.url} retries=${retries}`)
    process.exit(0)
  },
})
upload.start()
