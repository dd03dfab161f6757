// Baseline for bench/run.sh: Node's stream.pipeline read -> sha256 -> write, as a Node service
// would do it. Prints the hex digest. Usage: node bench/node-pipeline.mjs IN OUT
import { createReadStream, createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [input, output] = process.argv.slice(2);
const hash = createHash('sha256');
const hashing = new Transform({
  transform(chunk, _encoding, callback) {
    hash.update(chunk);
    callback(null, chunk);
  },
});
await pipeline(createReadStream(input), hashing, createWriteStream(output));
console.log(hash.digest('hex'));
