// bench/resumable.sh's reference server: the tus project's own Node server, @tus/server with
// @tus/file-store, as its README sets it up, on 127.0.0.1. Uploads go to /files/.
// Usage: node tus-server.mjs DIRECTORY PORT
import http from 'node:http'
import { Server } from '@tus/server'
import { FileStore } from '@tus/file-store'

const [directory, port] = process.argv.slice(2)
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) })
http
  .createServer((req, res) => tus.handle(req, res))
  .listen(Number(port), '127.0.0.1', () => console.log(`tus server on ${port}`))
