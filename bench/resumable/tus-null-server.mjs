// bench/resumable.sh's ceiling for the chunked row: the least a tus 1.0 server can do. It keeps
// each upload's offset in memory and discards the bytes (no file, no checksum, no fsync), so the
// client against it runs as fast as the client, the loopback and Node's HTTP stack allow; no real
// server can answer a chunk faster. Uploads go to /files/.
// Usage: node tus-null-server.mjs PORT
import http from 'node:http'
import { randomBytes } from 'node:crypto'

const [port] = process.argv.slice(2)
const uploads = new Map() // id -> { length, offset }
const tus = { 'Tus-Resumable': '1.0.0' }

http
  .createServer((req, res) => {
    const id = req.url.startsWith('/files/') ? req.url.slice('/files/'.length) : null
    const upload = id && uploads.get(id)
    if (req.method === 'POST' && req.url === '/files') {
      const created = randomBytes(16).toString('hex')
      uploads.set(created, { length: Number(req.headers['upload-length']), offset: 0 })
      req.resume()
      req.on('end', () => {
        res.writeHead(201, { ...tus, Location: `/files/${created}`, 'Upload-Offset': '0' })
        res.end()
      })
    } else if (req.method === 'HEAD' && upload) {
      res.writeHead(200, {
        ...tus,
        'Upload-Offset': String(upload.offset),
        'Upload-Length': String(upload.length),
        'Cache-Control': 'no-store',
      })
      res.end()
    } else if (req.method === 'PATCH' && upload) {
      if (Number(req.headers['upload-offset']) !== upload.offset) {
        req.resume()
        res.writeHead(409, tus)
        res.end()
        return
      }
      req.on('data', (chunk) => {
        upload.offset += chunk.length
      })
      req.on('end', () => {
        res.writeHead(204, { ...tus, 'Upload-Offset': String(upload.offset) })
        res.end()
      })
    } else {
      req.resume()
      res.writeHead(404, tus)
      res.end()
    }
  })
  .listen(Number(port), '127.0.0.1', () => console.log(`tus null server on ${port}`))
