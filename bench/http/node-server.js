// A minimal Node stream server, the baseline of bench/http.sh: GET (with one byte range) streams a
// file with fs.createReadStream → res; PUT streams req → sha256 → temporary file → rename.
// Usage: node node-server.js ROOT PORT
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { pipeline, Transform } = require('stream');

const root = process.argv[2];
const port = Number(process.argv[3]);

http
  .createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(req.url.split('?')[0]));
    if (req.method === 'GET') {
      fs.stat(file, (err, st) => {
        if (err) {
          res.writeHead(404);
          return res.end();
        }
        let start = 0;
        let end = st.size - 1;
        let status = 200;
        const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
        if (m) {
          start = Number(m[1]);
          if (m[2]) end = Math.min(end, Number(m[2]));
          status = 206;
          res.setHeader('Content-Range', `bytes ${start}-${end}/${st.size}`);
        }
        res.writeHead(status, { 'Content-Length': end - start + 1 });
        pipeline(fs.createReadStream(file, { start, end }), res, () => {});
      });
    } else if (req.method === 'PUT') {
      const hash = crypto.createHash('sha256');
      const tmp = file + '.tmp';
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const hashing = new Transform({
        transform(chunk, _enc, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      pipeline(req, hashing, fs.createWriteStream(tmp), (err) => {
        if (err) {
          res.writeHead(500);
          return res.end(String(err));
        }
        fs.renameSync(tmp, file);
        res.writeHead(201);
        res.end(hash.digest('hex') + '\n');
      });
    } else {
      res.writeHead(405);
      res.end();
    }
  })
  .listen(port, '127.0.0.1');
