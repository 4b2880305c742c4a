// The module worker that runs wootric_web in Pyodide, off the page's main thread.
//
// In:  {type: "boot", pyodideUrl, wheelUrl, manifestUrl, firstVisit}   once, first
//      {type: "handle", seq, text}                         a JSON protocol message (or a batch)
// Out: {type: "booting", boot}                             how it boots, as soon as it knows
//      {type: "ready", boot}                               booted: handle messages are answered
//      {type: "error", code, message}                      the boot failed
//      {type: "changes", seq, text, error?}                one per handle message, in order
//
// A module worker because Pyodide refuses classic workers, and because the page then pays
// nothing for the boot: the main thread never runs Python's start-up.
//
// Three ways to boot, tried in this order (`boot` in the ready message says which one worked):
//   "saved"     a memory snapshot of an interpreter that had already imported wootric_web, kept
//               in Cache Storage by an earlier visit: about 0.4 s;
//   "prebuilt"  the same kind of snapshot, made by `make build` and named in the wheels' manifest,
//               only when the boot message's firstVisit is "prebuilt" (the tag's
//               data-first-visit): it costs a first visit megabytes more than a plain boot;
//   "plain"     Pyodide's own start-up from the standard library the manifest names (only what
//               the worker imports, compiled: about 1 s), then our wheel unpacked into
//               site-packages.
// Snapshots are keyed by the exact Pyodide version, our wheel's SHA-256 and the standard
// library's name (which holds its hash). One that is missing, stale or fails is passed over
// silently (a failing saved one is deleted), and after any boot but "saved" a snapshot is saved
// for the next visit once the page has gone quiet. Saved ones are kept uncompressed: inflating
// one cost a repeat visit 90 ms, where reading its 13 MB from Cache Storage takes 30.
//
// Pyodide's WebAssembly and standard library are kept too, decoded, in Cache Storage (see
// keepingRuntimeFiles): from the HTTP cache, the runtime's 9.6 MB took 130-150 ms to decode
// from brotli on every repeat visit, and a second visit was ready 100 ms sooner without that.

const SNAPSHOT_CACHE = "wootric-web-snapshot";
// Bumped whenever what a snapshot holds, or how it is packed, changes: a snapshot of another
// format is then neither looked up nor unpacked.
const SNAPSHOT_FORMAT = 3;
const SNAPSHOT_MAGIC = 0x57575330 + SNAPSHOT_FORMAT; // "WWS3"
// The runtime's own files, decoded, each under its URL.
const RUNTIME_CACHE = "wootric-web-runtime";
// On a kept runtime file: the Pyodide version it belongs to (the version's files never change).
const VERSION_HEADER = "X-Wootric-Web-Pyodide";
// Half of a booted interpreter's memory is zero pages; leaving them out halves what must be
// inflated on every restore.
const PAGE_SIZE = 4096;
const WASM_PAGE_SIZE = 65536;
// A booted interpreter's memory is about 24 MB: a header claiming far more is damaged.
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;
// Unpacking a snapshot pauses this often, so that Pyodide's own start-up goes on meanwhile.
const SLICE_MS = 4;
// DecompressionStream inflates each chunk it is given in one go, and a chunk read from Cache
// Storage can hold a megabyte: 25 ms of inflating without a pause, while the runtime's own bytes
// wait to be compiled. Fed this much at a time, it inflates a few milliseconds' worth per read.
const INFLATE_INPUT_BYTES = 16 * 1024;
// Saving waits for this long without a message (and this long at most: a page that never goes
// quiet still gets its snapshot).
const QUIET_MS = 1000;
const QUIET_MAX_MS = 10_000;

const PROTOCOL = "wootric_web.protocol"; // all the worker imports of ours
let protocol = null; // PROTOCOL, once booted
// Looked up once, so each message is one direct call. It is borrowed from `protocol`, which is
// therefore kept: Pyodide destroys borrowed proxies together with the proxy they came from.
let handle = null;
let bootError = null; // why the boot failed, once it has
let booting = false;
let lastMessageAt = 0;
const waiting = []; // handle messages that arrived during the boot, in order

// For tests and benchmarks (through Playwright's worker.evaluate); the page never sees it.
// `saved` resolves to what became of the snapshot for the next visit: "saved", "skipped" (none
// to save) or "failed"; heapBytes(), once booted, is the size of Python's WebAssembly memory.
let savedOutcome;
const report = { boot: null, saved: new Promise((resolve) => (savedOutcome = resolve)) };
globalThis.wootricWebBoot = report;

class BootError extends Error {
  constructor(code, message, cause) {
    super(message, { cause });
    this.code = code;
  }
}

// A Python error's message is its whole traceback; the last line says what went wrong.
function describe(error) {
  const text = error instanceof Error ? error.message : String(error);
  return error?.type ? text.trim().split("\n").at(-1) : text;
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return response;
}

// Lets the tasks waiting meanwhile (messages, fetches, Pyodide's start-up) run: a message to
// itself, since nested timers are held back to 4 ms each.
function yieldToTasks() {
  const channel = new MessageChannel();
  const yielded = new Promise((resolve) => (channel.port1.onmessage = resolve));
  channel.port2.postMessage(null);
  return yielded;
}

// ---------------------------------------------------------------------------------------------
// What to boot: the runtime, our wheel and its hash.

async function importRuntime(pyodideUrl) {
  let runtime;
  try {
    // Pyodide waits forever when WebAssembly may not be compiled here (a Content Security Policy
    // without 'wasm-unsafe-eval'): the smallest module there is finds that out at once.
    new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    runtime = await import(new URL("pyodide.mjs", pyodideUrl).href);
  } catch (error) {
    throw runtimeError(pyodideUrl, error);
  }
  // Fetched and evaluated now, while the snapshot is looked up; loadPyodide imports it again and
  // finds it in the module map. A failure here is loadPyodide's to report.
  import(new URL("pyodide.asm.mjs", pyodideUrl).href).catch(() => {});
  return runtime;
}

function runtimeError(pyodideUrl, error) {
  return new BootError(
    "runtime-load-failed",
    `The Python runtime could not be loaded from ${pyodideUrl}: ${describe(error)}`,
    error,
  );
}

function wheelError(error) {
  return new BootError(
    "wheel-load-failed",
    `The wootric_web package could not be installed: ${describe(error)}`,
    error,
  );
}

/** The hex SHA-256 of `bytes`, or null outside a secure context (where snapshots are off too). */
async function sha256Hex(bytes) {
  if (!globalThis.crypto?.subtle) return null;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Our wheel: {url, sha256, bytes(), manifest, manifestUrl, stdlib}. The manifest's hash is
 * trusted for its own wheel, so a snapshot boot fetches nothing more; a wheel named by
 * data-wheel-url is fetched and hashed, since nothing else says what it holds. sha256 null: no
 * snapshots. `stdlib`: the standard library's URL and name, or null for Pyodide's whole one.
 */
async function findWheel(manifestUrl, wheelUrl) {
  let manifest;
  try {
    manifest = await (await fetchOk(manifestUrl)).json();
  } catch (error) {
    throw wheelError(error);
  }
  const url = wheelUrl ?? new URL(manifest.wheel, manifestUrl).href;
  let fetched = null;
  const bytes = () => {
    fetched ??= fetchOk(url).then((response) => response.arrayBuffer()).catch((error) => {
      throw wheelError(error);
    });
    return fetched;
  };
  const sha256 = wheelUrl ? await sha256Hex(await bytes()) : manifest.sha256 ?? null;
  const stdlib = manifest.stdlib
    ? { url: new URL(manifest.stdlib, manifestUrl).href, name: manifest.stdlib }
    : null;
  return { url, sha256, bytes, manifest, manifestUrl, stdlib };
}

// ---------------------------------------------------------------------------------------------
// Snapshots: packing, Cache Storage, the prebuilt file.

function snapshotKey(pyodideVersion, wheel) {
  // Never fetched: only a name, in a reserved domain so it cannot clash with a real URL. The
  // standard library is in it because the snapshot holds zipimport's index of that very zip.
  const stdlib = wheel.stdlib?.name ?? "python_stdlib.zip";
  return `https://wootric-web.invalid/snapshot/${SNAPSHOT_FORMAT}/${pyodideVersion}/` +
    `${wheel.sha256}/${stdlib}`;
}

/** A Cache Storage cache, or null where a page may not use it (opaque origins, blocked storage). */
async function openCache(name) {
  try {
    return await caches.open(name);
  } catch {
    return null;
  }
}

function isZeroPage(words, start, end) {
  for (let at = start; at < end; at += 1) if (words[at] !== 0) return false;
  return true;
}

/** "WWS3", the memory's length, a bitmap of its non-zero pages, then those pages. */
function pack(memory) {
  if (memory.byteOffset % 4 !== 0 || memory.length % 4 !== 0) {
    throw new Error("a memory snapshot is whole 32-bit words");
  }
  const words = new Uint32Array(memory.buffer, memory.byteOffset, memory.length / 4);
  const pages = Math.ceil(memory.length / PAGE_SIZE);
  const wordsPerPage = PAGE_SIZE / 4;
  const kept = [];
  for (let page = 0; page < pages; page += 1) {
    const start = page * wordsPerPage;
    if (!isZeroPage(words, start, Math.min(start + wordsPerPage, words.length))) kept.push(page);
  }
  const headerSize = 8 + Math.ceil(pages / 8);
  const packed = new Uint8Array(headerSize + kept.length * PAGE_SIZE);
  const view = new DataView(packed.buffer);
  view.setUint32(0, SNAPSHOT_MAGIC);
  view.setUint32(4, memory.length, true);
  let at = headerSize;
  for (const page of kept) {
    packed[8 + (page >> 3)] |= 1 << (page & 7);
    const bytes = memory.subarray(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    packed.set(bytes, at);
    at += bytes.length;
  }
  return packed.subarray(0, at);
}

/**
 * Unpacks a stream of pack()'s output (gzip-compressed when `gzipped`) into memory as it arrives.
 * Resolves, once the header is read, to {memory, filled}: `memory` has the snapshot's length at
 * once, so that Pyodide can size its heap and start while the rest is read, and its content once
 * `filled` resolves. A stream found damaged later still resolves `filled`, with Pyodide's own
 * header zeroed so that Pyodide refuses the snapshot rather than restore damaged memory.
 */
async function unpacking(body, gzipped) {
  const reader = gzipped
    ? body.pipeThrough(inSlices(INFLATE_INPUT_BYTES))
      .pipeThrough(new DecompressionStream("gzip"))
      .getReader()
    : body.getReader();
  let chunk = new Uint8Array(0); // inflated and not used yet
  const readAtLeast = async (size) => {
    while (chunk.length < size) {
      const { done, value } = await reader.read();
      if (done) throw new Error("a snapshot's header is cut short");
      const joined = new Uint8Array(chunk.length + value.length);
      joined.set(chunk);
      joined.set(value, chunk.length);
      chunk = joined;
    }
  };
  await readAtLeast(8);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const length = view.getUint32(4, true);
  if (view.getUint32(0) !== SNAPSHOT_MAGIC || length > MAX_SNAPSHOT_BYTES) {
    throw new Error("not a wootric-web snapshot");
  }
  const pages = Math.ceil(length / PAGE_SIZE);
  const headerSize = 8 + Math.ceil(pages / 8);
  await readAtLeast(headerSize);
  const kept = [];
  for (let page = 0; page < pages; page += 1) {
    if (chunk[8 + (page >> 3)] & (1 << (page & 7))) kept.push(page);
  }
  const memory = new Uint8Array(length);
  const fill = async () => {
    let page = 0; // index into `kept`
    let at = 0; // bytes of that page written
    let sliceStart = performance.now();
    for (let rest = chunk.subarray(headerSize); ; ) {
      while (rest.length) {
        if (page === kept.length) throw new Error("a snapshot has bytes left over");
        const start = kept[page] * PAGE_SIZE;
        const size = Math.min(PAGE_SIZE, length - start);
        const taken = Math.min(size - at, rest.length);
        memory.set(rest.subarray(0, taken), start + at);
        rest = rest.subarray(taken);
        at += taken;
        if (at === size) [page, at] = [page + 1, 0];
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToTasks();
        sliceStart = performance.now();
      }
      const { done, value } = await reader.read();
      if (done) break;
      rest = value;
    }
    if (page !== kept.length) throw new Error("a snapshot is cut short");
  };
  const filled = fill().catch(() => memory.fill(0, 0, 4)); // Pyodide's magic number
  return { memory, filled };
}

/** A stream of `buffer` in one chunk. */
function wholeStream(buffer) {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(buffer));
      controller.close();
    },
  });
}

/** A stream of the same bytes in chunks of at most `size`. */
function inSlices(size) {
  return new TransformStream({
    transform(chunk, controller) {
      for (let at = 0; at < chunk.length; at += size) {
        controller.enqueue(chunk.subarray(at, at + size));
      }
    },
  });
}

/**
 * A snapshot being unpacked (see unpacking()); loadPyodide meets any failure once it needs the
 * memory, so none may count as unhandled meanwhile.
 */
function unpacked(body, gzipped) {
  const snapshot = body.then((stream) => unpacking(stream, gzipped));
  snapshot.catch(() => {});
  return snapshot;
}

/** The saved snapshot for this key, {snapshot: a promise of unpacking()'s}, or null. */
async function findSaved(store, key) {
  try {
    const response = await store?.match(key);
    // Read whole: in the stream's own chunks, 13 MB took 200 ms of a 480 ms repeat visit, and
    // arrayBuffer() takes 30.
    if (!response) return null;
    return { snapshot: unpacked(response.arrayBuffer().then(wholeStream), false) };
  } catch {
    return null;
  }
}

/**
 * The snapshot `make build` made for exactly this runtime and wheel, or null: {snapshot, packed},
 * both promises, both read from one download; `packed` is the Blob a next visit restores from.
 */
function findPrebuilt(wheel, pyodideVersion) {
  const { manifest, manifestUrl, sha256 } = wheel;
  if (!manifest.snapshot || manifest.pyodide !== pyodideVersion || manifest.sha256 !== sha256) {
    return null;
  }
  const copies = fetchOk(new URL(manifest.snapshot, manifestUrl)).then((ok) => [ok, ok.clone()]);
  const packed = copies.then(([, copy]) => copy.blob());
  packed.catch(() => {}); // the restore meets the same failure through `snapshot`
  return { snapshot: unpacked(copies.then(([ok]) => ok.body), true), packed };
}

async function forget(store, key) {
  try {
    await store.delete(key);
  } catch {
    // nothing more to do: the next save replaces it
  }
}

/** Keeps `packed` (a Blob of pack()'s output, or a promise of one) under `key`, and drops every
 * other snapshot. */
async function keep(store, key, packed) {
  const response = new Response(await packed, {
    headers: { "Content-Type": "application/octet-stream" },
  });
  await store.put(key, response);
  for (const request of await store.keys()) {
    if (request.url !== key) await store.delete(request);
  }
}

/** Resolves once no message has arrived for QUIET_MS, or after QUIET_MAX_MS in any case. */
async function quiet() {
  const giveUpAt = performance.now() + QUIET_MAX_MS;
  for (;;) {
    const left = Math.min(lastMessageAt + QUIET_MS, giveUpAt) - performance.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, left));
  }
}

// ---------------------------------------------------------------------------------------------
// The runtime's files, kept decoded.

/**
 * Answers Pyodide's own fetches of `urls` (its WebAssembly and standard library) from copies
 * kept in `store` for this Pyodide `version`, and keeps what the network answered for any other.
 * Pyodide fetches these itself, with the global fetch, and takes no bytes from its caller, so the
 * worker's fetch is wrapped until stop(). save() (or null, with nothing new to keep) stores this
 * visit's copies and drops any other kept file.
 */
function keepingRuntimeFiles(store, version, urls) {
  const networkFetch = globalThis.fetch;
  if (store === null) return { stop() {}, save: null };
  // Looked up at once, for the first fetch of each; a boot that fails and is tried another way
  // fetches again, and a response's body can be read only once, so later ones look up anew.
  const early = new Map(urls.map((url) => [url, keptCopy(store, version, url)]));
  const fetched = new Map(); // url -> a promise of {blob, type}, to keep
  globalThis.fetch = function fetchKeptRuntimeFile(input, init) {
    const url = input instanceof Request ? null : new URL(input, self.location.href).href;
    if (!urls.includes(url)) return networkFetch(input, init);
    const lookup = early.get(url) ?? keptCopy(store, version, url);
    early.delete(url);
    return lookup.then(async (copy) => {
      if (copy) return copy;
      const response = await networkFetch(input, init);
      if (response.ok) {
        const type = response.headers.get("Content-Type") ?? "application/octet-stream";
        const copying = response.clone().blob().then((blob) => ({ blob, type }));
        copying.catch(() => {}); // nothing is kept, and the next visit fetches again
        fetched.set(url, copying);
      }
      return response;
    });
  };
  const save = async () => {
    for (const [url, copying] of fetched) {
      const { blob, type } = await copying;
      const headers = { "Content-Type": type, [VERSION_HEADER]: version };
      await store.put(url, new Response(blob, { headers }));
    }
    for (const request of await store.keys()) {
      if (!urls.includes(request.url)) await store.delete(request);
    }
  };
  return {
    stop() {
      globalThis.fetch = networkFetch;
    },
    get save() {
      return fetched.size ? save : null;
    },
  };
}

/** The kept copy of `url` for this Pyodide version, or null. */
async function keptCopy(store, version, url) {
  try {
    const response = await store.match(url);
    return response?.headers.get(VERSION_HEADER) === version ? response : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Booting.

/** Unpacks our wheel into site-packages: what micropip would do, without micropip's own boot. */
async function installWheel(pyodide, wheel) {
  const bytes = await wheel.bytes();
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  // All the worker will ever import of ours: a restored snapshot has the modules but not these
  // files (tests/unit/test_snapshot_imports.py keeps it so).
  pyodide.runPython(`import ${PROTOCOL}`);
  // The key names what was really installed, should the manifest be out of date.
  return sha256Hex(bytes);
}

/** loadPyodide's options for our runtime and standard library. */
function runtimeOptions(pyodideUrl, wheel) {
  const options = { indexURL: pyodideUrl };
  if (wheel?.stdlib) options.stdLibURL = wheel.stdlib.url;
  return options;
}

async function restore(loadPyodide, options, { snapshot }) {
  const memory = snapshot.then((unpacking) => unpacking.memory);
  memory.catch(() => {}); // loadPyodide meets it once it needs the memory
  const pyodide = await loadPyodide({
    ...options,
    _loadSnapshot: memory,
    // Pyodide waits for this before it restores the memory, and only then: compiling the
    // runtime and unpacking the snapshot go on side by side.
    fsInit: () => snapshot.then(({ filled }) => filled),
  });
  // Every visitor's interpreter starts from the same memory: give `random` (if anything has
  // imported it) a seed of its own rather than the snapshot's.
  pyodide.runPython("import sys\nif 'random' in sys.modules: sys.modules['random'].seed()");
  return pyodide;
}

/**
 * A memory snapshot of `pyodide` as it is now, with what it need not hold left out: garbage
 * (collected first), and the memory above the heap's top, which nothing uses (the length still
 * whole WebAssembly pages, which Pyodide sizes the restored memory by).
 */
function snapshotOf(pyodide) {
  pyodide.runPython("import gc; gc.collect()");
  // Pyodide's Emscripten module: private, as _makeSnapshot is, in the exactly pinned version.
  const module = pyodide._module;
  const top = module.HEAPU32[module._emscripten_get_sbrk_ptr() >>> 2];
  const snapshot = pyodide.makeMemorySnapshot();
  const header = new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(4, true);
  const used = header + Math.ceil(top / WASM_PAGE_SIZE) * WASM_PAGE_SIZE;
  return used < snapshot.length ? snapshot.subarray(0, used) : snapshot;
}

/**
 * Boots by the fastest way that works. Resolves to {boot, pyodide, protocol, save}, where
 * save() (or null) stores a snapshot for the next visit; rejects with a BootError.
 */
async function boot({ pyodideUrl, wheelUrl, manifestUrl, firstVisit }) {
  const runtime = importRuntime(pyodideUrl);
  const wheel = findWheel(manifestUrl, wheelUrl);
  const store = openCache(SNAPSHOT_CACHE);
  const runtimeStore = openCache(RUNTIME_CACHE);
  wheel.catch(() => {}); // awaited below; it must not also surface as an unhandled rejection
  const { loadPyodide, version } = await runtime;

  let key = null;
  let saved = null;
  let options = runtimeOptions(pyodideUrl, null);
  try {
    const found = await wheel;
    options = runtimeOptions(pyodideUrl, found);
    key = found.sha256 && snapshotKey(version, found);
    saved = key && (await findSaved(await store, key));
  } catch {
    // the plain boot below reports a wheel that cannot be found
  }
  const runtimeFiles = keepingRuntimeFiles(await runtimeStore, version, [
    new URL("pyodide.asm.wasm", pyodideUrl).href,
    options.stdLibURL ?? new URL("python_stdlib.zip", pyodideUrl).href,
  ]);
  try {
    const booted = await bootBy(loadPyodide, version, options, { pyodideUrl, firstVisit },
      { key, saved, wheel, store });
    return { ...booted, save: bothSaves(booted.save, runtimeFiles.save) };
  } finally {
    runtimeFiles.stop();
  }
}

/** Either save, or both, as one; null when neither has anything to save. */
function bothSaves(first, second) {
  if (!first || !second) return first ?? second ?? null;
  return async () => {
    await first();
    await second();
  };
}

/** The three ways to boot, fastest first: see boot(). */
async function bootBy(loadPyodide, version, options, { pyodideUrl, firstVisit },
  { key, saved, wheel, store }) {
  if (saved) {
    try {
      postMessage({ type: "booting", boot: "saved" });
      const pyodide = await restore(loadPyodide, options, saved);
      return { boot: "saved", pyodide, protocol: pyodide.pyimport(PROTOCOL), save: null };
    } catch {
      forget(await store, key);
    }
  }
  const prebuilt = key && firstVisit === "prebuilt" &&
    (await wheel.then((found) => findPrebuilt(found, version), () => null));
  if (prebuilt) {
    try {
      postMessage({ type: "booting", boot: "prebuilt" });
      const pyodide = await restore(loadPyodide, options, prebuilt);
      const saving = await store;
      const inflated = async () => {
        const gzip = (await prebuilt.packed).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(gzip).blob();
      };
      const save = saving && (() => keep(saving, key, inflated()));
      return { boot: "prebuilt", pyodide, protocol: pyodide.pyimport(PROTOCOL), save };
    } catch {
      // boot as if there were none
    }
  }
  return plainBoot(loadPyodide, pyodideUrl, await wheel, await store, version);
}

async function plainBoot(loadPyodide, pyodideUrl, wheel, store, version) {
  postMessage({ type: "booting", boot: "plain" });
  let pyodide;
  try {
    const options = runtimeOptions(pyodideUrl, wheel);
    pyodide = await loadPyodide({ ...options, _makeSnapshot: store !== null });
  } catch (error) {
    throw runtimeError(pyodideUrl, error);
  }
  let sha256;
  try {
    sha256 = await installWheel(pyodide, wheel);
  } catch (error) {
    throw wheelError(error);
  }
  let save = null;
  if (store !== null && sha256 !== null) {
    try {
      // Taken now, before the first message: the snapshot then holds no visitor's data, and
      // restoring it later gives exactly this fresh interpreter. Compressing and storing it
      // waits until the page has gone quiet.
      const memory = snapshotOf(pyodide);
      const key = snapshotKey(version, { sha256, stdlib: wheel.stdlib });
      save = () => keep(store, key, new Blob([pack(memory)]));
    } catch {
      save = null;
    }
  }
  return { boot: "plain", pyodide, protocol: pyodide.pyimport(PROTOCOL), save };
}

// ---------------------------------------------------------------------------------------------
// Messages.

function answer({ seq, text }) {
  if (handle === null) {
    postMessage({ type: "changes", seq, text: "[]", error: bootError });
    return;
  }
  try {
    postMessage({ type: "changes", seq, text: handle(text) });
  } catch (error) {
    postMessage({ type: "changes", seq, text: "[]", error: describe(error) });
  }
}

async function saveForNextVisit(save) {
  if (!save) return "skipped";
  await quiet();
  try {
    await save();
    return "saved";
  } catch {
    return "failed"; // quota, storage turned off meanwhile: the next visit boots another way
  }
}

async function start(message) {
  booting = true;
  let save = null;
  try {
    const booted = await boot(message);
    ({ protocol, save } = booted);
    handle = protocol.handle;
    report.boot = booted.boot;
    // Pyodide's Emscripten module (private, in the pinned version): its heap grows in place.
    report.heapBytes = () => booted.pyodide._module.HEAP8.byteLength;
    postMessage({ type: "ready", boot: booted.boot });
  } catch (error) {
    bootError = describe(error);
    const code = error instanceof BootError ? error.code : "runtime-load-failed";
    postMessage({ type: "error", code, message: bootError });
  }
  // Answered even after a failed boot (with the error), so that no caller waits forever.
  for (const queued of waiting.splice(0)) answer(queued);
  savedOutcome(await saveForNextVisit(save));
}

self.addEventListener("message", ({ data }) => {
  if (data?.type === "boot") {
    if (!booting) start(data);
  } else if (data?.type === "handle") {
    lastMessageAt = performance.now();
    if (handle === null && bootError === null) waiting.push(data);
    else answer(data);
  }
});
