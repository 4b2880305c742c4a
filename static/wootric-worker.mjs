// The module worker that runs wootric_web in Pyodide, off the page's main thread.
//
// In:  {type: "boot", pyodideUrl, wheelUrl, manifestUrl}   once, first
//      {type: "handle", seq, text}                         a JSON protocol message
// Out: {type: "ready"}                                     booted: handle messages are answered
//      {type: "error", code, message}                      the boot failed
//      {type: "changes", seq, text, error?}                one per handle message, in order
//
// A module worker because Pyodide refuses classic workers, and because the page then pays
// nothing for the ~3 s boot: the main thread never runs Python's start-up.

let protocol = null; // wootric_web.protocol, once booted
// Looked up once, so each message is one direct call. It is borrowed from `protocol`, which is
// therefore kept: Pyodide destroys borrowed proxies together with the proxy they came from.
let handle = null;
let bootError = null; // why the boot failed, once it has
let booting = false;
const waiting = []; // handle messages that arrived during the boot, in order

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

async function boot({ pyodideUrl, wheelUrl, manifestUrl }) {
  // Fetched during the runtime's boot rather than after it. Reading our wheel here also turns a
  // missing wheel into a clear message (micropip would report a bad zip file) and leaves it in
  // the HTTP cache for micropip.
  const wheels = fetchOk(manifestUrl)
    .then((response) => response.json())
    .then(async (manifest) => {
      const ours = wheelUrl ?? new URL(manifest.wheel, manifestUrl).href;
      await (await fetchOk(ours)).arrayBuffer();
      return { micropip: new URL(manifest.micropip, manifestUrl).href, ours };
    });
  wheels.catch(() => {}); // reported below, once the runtime is up; not as an unhandled rejection

  let pyodide;
  try {
    const { loadPyodide } = await import(new URL("pyodide.mjs", pyodideUrl).href);
    pyodide = await loadPyodide({ indexURL: pyodideUrl });
  } catch (error) {
    throw new BootError(
      "runtime-load-failed",
      `The Python runtime could not be loaded from ${pyodideUrl}: ${describe(error)}`,
      error,
    );
  }

  try {
    const { micropip: micropipUrl, ours } = await wheels;
    // By URL: the npm package ships no wheels, and PyPI's micropip wheel does not match the
    // hash in pyodide-lock.json, so loadPackage("micropip") cannot work.
    await pyodide.loadPackage(micropipUrl, { messageCallback: () => {} });
    const micropip = pyodide.pyimport("micropip");
    await micropip.install.callKwargs(ours, { deps: false });
    micropip.destroy();
    return pyodide.pyimport("wootric_web.protocol");
  } catch (error) {
    throw new BootError(
      "wheel-load-failed",
      `The wootric_web package could not be installed: ${describe(error)}`,
      error,
    );
  }
}

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

async function start(message) {
  booting = true;
  try {
    protocol = await boot(message);
    handle = protocol.handle;
    postMessage({ type: "ready" });
  } catch (error) {
    bootError = describe(error);
    const code = error instanceof BootError ? error.code : "runtime-load-failed";
    postMessage({ type: "error", code, message: bootError });
  }
  // Answered even after a failed boot (with the error), so that no caller waits forever.
  for (const queued of waiting.splice(0)) answer(queued);
}

self.addEventListener("message", ({ data }) => {
  if (data?.type === "boot") {
    if (!booting) start(data);
  } else if (data?.type === "handle") {
    if (handle === null && bootError === null) waiting.push(data);
    else answer(data);
  }
});
