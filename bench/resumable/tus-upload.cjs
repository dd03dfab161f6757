// bench/resumable.sh's client: the real tus-js-client (the version the http module's tests run)
// uploads one file in chunks, as a user's Node program would, retrying after a dropped connection.
// Usage: node tus-upload.cjs ENDPOINT FILE CHUNK_BYTES [PROTOCOL]
// PROTOCOL is tus-js-client's option (tus-v1 by default: @tus/server speaks it).
// Prints "ok SECONDS RETRIES UPLOAD_URL CPU_SECONDS" (SECONDS from start() to success, CPU_SECONDS
// the client's own user + system time over the same span) and exits 0, or "error MESSAGE" and
// exits 2.
'use strict'
const fs = require('node:fs')
const tus = require('tus-js-client')

const [endpoint, file, chunkSize, protocol = 'tus-v1'] = process.argv.slice(2)
let retries = 0
const started = process.hrtime.bigint()
const cpuAtStart = process.cpuUsage()
const upload = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  protocol,
  chunkSize: Number(chunkSize),
  retryDelays: Array(30).fill(100),
  metadata: { filename: 'bench.bin', filetype: 'application/octet-stream' },
  onShouldRetry(error) {
    retries++
    const status = error.originalResponse ? error.originalResponse.getStatus() : 0
    return !(status >= 400 && status < 500) || status === 409 || status === 423
  },
  onError(error) {
    console.log(`error ${error.message}`)
    process.exit(2)
  },
  onSuccess() {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const cpu = process.cpuUsage(cpuAtStart)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    console.log(`ok ${seconds.toFixed(3)} ${retries} ${upload.url} ${cpuSeconds.toFixed(2)}`)
    process.exit(0)
  },
})
upload.start()
