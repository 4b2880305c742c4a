// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Talking to the runtime: numbered messages out, their changes applied back in the same order.

let nextSeq = 1;
let nextToApply = 1;
const replies = new Map(); // seq -> changes text that arrived before its turn
const waiting = new Map(); // seq -> resolve, called once that message's changes are applied
const sent = new Map(); // seq -> {call, title}: the call a reply is for, and its debug title
let runtime = null; // { post(seq, text) } once started
let failed = false;
// Messages cross to the runtime in batches, which Python answers with all their changes in
// order: whatever was sent before the runtime was ready goes as soon as it is, and after that
// whatever one task sends, so 10,000 queued calls cost a few round trips rather than 10,000.
// A batch goes under its first message's number and its reply answers for all of them.
const BATCH_MAX = 250; // messages per post: each reply stays quick to apply
let outbox = []; // [seq, text] sent but not yet posted
let runtimeReady = false;
const batchEnds = new Map(); // first seq of a posted batch -> its last seq

/** Sends one message; the promise resolves once its changes are applied (or the runtime failed). */
function send(message, title = message.method ?? message.kind) {
  if (failed) return Promise.resolve();
  const seq = nextSeq;
  nextSeq += 1;
  const applied = new Promise((resolve) => waiting.set(seq, resolve));
  sent.set(seq, { call: message.id, title });
  outbox.push([seq, JSON.stringify(message)]);
  if (runtimeReady && outbox.length === 1) queueMicrotask(flush);
  return applied;
}

function flush() {
  if (handoff.pendingKept()) takeBack();
  const messages = outbox;
  outbox = [];
  // In debug mode each message goes alone, so that its changes are logged under it.
  const size = debug ? 1 : BATCH_MAX;
  for (let at = 0; at < messages.length; at += size) {
    const batch = messages.slice(at, at + size);
    batchEnds.set(batch[0][0], batch[batch.length - 1][0]);
    const text = batch.length === 1 ? batch[0][1] : `[${batch.map(([, one]) => one).join(',')}]`;
    try {
      runtime.post(batch[0][0], text);
    } catch (error) {
      fail('runtime-post-failed', `Could not hand a message to the runtime: ${error}`);
      return;
    }
  }
}

/**
 * A reply from the runtime; applied as soon as every earlier reply has been. `error` is set
 * when Python could not handle that one message: its call is then resolved without effect.
 */
function receive(seq, text, error) {
  if (failed) return;
  replies.set(seq, { text, error });
  while (replies.has(nextToApply)) {
    const current = nextToApply;
    const last = batchEnds.get(current) ?? current;
    batchEnds.delete(current);
    const reply = replies.get(current);
    replies.delete(current);
    nextToApply = last + 1;
    const changes = parseChanges(reply.text);
    if (changes === null) {
      fail('runtime-bad-reply', 'The runtime answered with something that is not a change list.');
      return;
    }
    applyChanges(changes);
    if (reply.error) {
      // The details may quote the call's data, so they are shown only in debug mode.
      console.error(PREFIX + 'Python could not handle a message; it had no effect.');
      note('log', 'the error was', reply.error);
    }
    for (let seq = current; seq <= last; seq += 1) {
      const { call: callId, title } = sent.get(seq) ?? {};
      sent.delete(seq);
      if (reply.error && callId !== undefined) handled(callId);
      if (debug && (noted.length || callId === undefined)) logGroup(title, noted);
      noted = [];
      const resolve = waiting.get(seq);
      waiting.delete(seq);
      if (resolve) resolve();
    }
  }
}

function parseChanges(text) {
  try {
    const changes = JSON.parse(text);
    return Array.isArray(changes) ? changes : null;
  } catch {
    return null;
  }
}

/** Tells the site owner why surveys cannot show: a console error and a `wootric-web:error`. */
function report(code, message) {
  console.error(PREFIX + message + ` (${code})`);
  try {
    window.dispatchEvent(new CustomEvent('wootric-web:error', { detail: { code, message } }));
  } catch {
    // a page without CustomEvent support is not worth failing twice over
  }
}

/** The runtime cannot be used: say so once, and never leave a caller waiting. */
function fail(code, message) {
  if (failed) return;
  failed = true;
  report(code, message);
  for (const resolve of waiting.values()) resolve();
  waiting.clear();
  replies.clear();
  sent.clear();
  for (const id of [...calls.keys()]) finishCall(id);
  markReady();
}

function announceRuntimeReady() {
  runtimeReady = true;
  flush();
  log('runtime ready');
  window.dispatchEvent(new CustomEvent('wootric-web:ready'));
}

/** Default: Pyodide in a module worker, so the page never waits on Python. */
function startWorker() {
  const workerUrl = new URL('wootric-worker.mjs', config.tagUrl);
  // Until the worker has answered anything, what it was sent is kept: when no worker can run
  // (workers forbidden by a Content Security Policy, say), the main thread takes over with it.
  let unanswered = [];
  let mainThread = null;
  let worker = null;
  const fallBack = (reason) => {
    console.warn(PREFIX + `No worker could run (${reason}); Python runs on the page's main ` +
      'thread instead, which pauses the page while it starts.');
    worker?.terminate();
    mainThread = startMainThread();
    for (const [seq, text] of unanswered) mainThread.post(seq, text);
    unanswered = null;
  };
  const post = (seq, text) => {
    if (mainThread) {
      mainThread.post(seq, text);
      return;
    }
    unanswered?.push([seq, text]);
    worker.postMessage({ type: 'handle', seq, text });
  };
  try {
    let url = workerUrl;
    if (workerUrl.origin !== location.origin) {
      // Workers must be same-origin; a same-origin module that imports the real one is allowed.
      const source = `import ${JSON.stringify(workerUrl.href)};`;
      url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    }
    worker = new Worker(url, { type: 'module' });
  } catch (error) {
    fallBack(error);
    return { post };
  }
  worker.addEventListener('message', ({ data }) => {
    unanswered = null;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'changes') receive(data.seq, data.text, data.error);
    else if (data.type === 'ready') announceRuntimeReady();
    // A plain boot takes seconds: a beacon preloaded that early would sit unused, and warned of.
    else if (data.type === 'booting' && data.boot !== 'plain') preloadBeacon();
    else if (data.type === 'error') {
      fail(data.code || 'runtime-error', data.message || 'The Python runtime failed.');
    }
  });
  worker.addEventListener('error', (event) => {
    if (unanswered) fallBack(event.message || 'it did not start');
    else fail('worker-failed', `The worker stopped: ${event.message || workerUrl.href}`);
  });
  worker.addEventListener('messageerror', () => {
    fail('worker-failed', 'A message from the worker could not be read.');
  });
  // The worker queues messages until Pyodide is ready, so post at once: order is kept.
  worker.postMessage({
    type: 'boot',
    pyodideUrl: config.pyodideUrl,
    wheelUrl: config.wheelUrl,
    manifestUrl: config.manifestUrl,
    // "prebuilt": a first visit restores make build's snapshot (megabytes more) instead of a
    // plain boot from the light files (the worker's default).
    firstVisit: attr('data-first-visit'),
  });
  return { post };
}

/** `data-mode="main"`: Pyodide on the page's own thread (simpler hosting, blocks while booting). */
function startMainThread() {
  const queue = [];
  let handle = null;
  let pumping = false;

  // The same stages, and failure codes, as the worker's boot.
  async function boot() {
    // Pyodide hangs rather than fails where WebAssembly may not be compiled (a Content Security
    // Policy without 'wasm-unsafe-eval'); compiling the empty module tells at once.
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch {
      fail('runtime-load-failed', 'This page does not allow WebAssembly, which the Python ' +
        "runtime needs; a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src.");
      return;
    }
    let pyodide;
    try {
      const { loadPyodide } = await import(new URL('pyodide.mjs', config.pyodideUrl).href);
      pyodide = await loadPyodide({ indexURL: config.pyodideUrl });
    } catch (error) {
      fail('runtime-load-failed',
        `The Python runtime could not be loaded from ${config.pyodideUrl}: ${error}`);
      return;
    }
    try {
      const wheels = await findWheels();
      await pyodide.loadPackage(wheels.micropip, { messageCallback: () => {} });
      const micropip = pyodide.pyimport('micropip');
      await micropip.install.callKwargs(wheels.wootricWeb, { deps: false });
      handle = pyodide.pyimport('wootric_web.protocol').handle;
    } catch (error) {
      // A Python error's message is its whole traceback; the last line says what went wrong.
      const reason = error?.type ? String(error.message).trim().split('\n').at(-1) : error;
      fail('wheel-load-failed', `The wootric_web package could not be installed: ${reason}`);
      return;
    }
    announceRuntimeReady();
    pump();
  }

  // Long bursts of calls are handled in slices, so the page stays responsive.
  async function pump() {
    if (pumping || !handle) return;
    pumping = true;
    let sliceStart = performance.now();
    while (queue.length && !failed) {
      const [seq, text] = queue.shift();
      let reply = '[]';
      let error = null;
      try {
        reply = handle(text);
      } catch (thrown) {
        error = String(thrown);
      }
      receive(seq, reply, error);
      if (performance.now() - sliceStart > 8) {
        await new Promise((resolve) => setTimeout(resolve));
        sliceStart = performance.now();
      }
    }
    pumping = false;
  }

  boot();
  return {
    post: (seq, text) => {
      queue.push([seq, text]);
      pump();
    },
  };
}

/** The micropip and wootric-web wheel URLs, read from the manifest as the worker does. */
async function findWheels() {
  const response = await fetch(config.manifestUrl);
  if (!response.ok) throw new Error(`${config.manifestUrl} answered ${response.status}`);
  const manifest = await response.json();
  return {
    micropip: new URL(manifest.micropip, config.manifestUrl).href,
    wootricWeb: config.wheelUrl ?? new URL(manifest.wheel, config.manifestUrl).href,
  };
}
