// Writes FILE.br and FILE.gz beside each FILE given: brotli at its best (quality 11, a 16 MB
// window) and gzip -9, as a production server or CDN keeps them ready (nginx's brotli_static and
// gzip_static), so that no visitor waits for them to be made and each is as small as it gets.
// tools/serve.py sends them with Content-Encoding to a browser that accepts it.
//
// Node's zlib, because it is the reference brotli encoder and Node is here already for npm.
// Measured for pyodide.asm.wasm: 2.77 MB brotli against 3.59 MB gzip -9 and 3.60 MB gzip -6.
//
//   node tools/precompress.mjs static/pyodide/pyodide.asm.wasm ...

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

for (const file of process.argv.slice(2)) {
  const body = readFileSync(file);
  const encodings = {
    br: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    gz: gzipSync(body, { level: 9 }),
  };
  for (const [suffix, encoded] of Object.entries(encodings)) {
    // Written aside and renamed, so that a server never sends a file half written.
    writeFileSync(`${file}.${suffix}.partial`, encoded);
    renameSync(`${file}.${suffix}.partial`, `${file}.${suffix}`);
  }
  console.log(`${file}: ${body.length} bytes, br ${encodings.br.length}, gz ${encodings.gz.length}`);
}
