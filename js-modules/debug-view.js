// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// What the executor says in the console: `log` (in debug mode only) and the debug view.
const log = (...args) => {
  if (debug) console.debug(PREFIX.trim(), ...args);
};

// Debug view (data-debug, analytics.debug()): one collapsed console group per call, logged once
// it is applied — the call as made, each settings key it changed, the beacon commands it gave,
// its warnings. Python sends a call's settings and commands just before its `done`, so what the
// changes do is noted as they are applied and given to the next call that is done; what is left
// at the end of a reply is the message's own (start-up, the beacon, consent) and has its group.
const traces = new Map(); // call id -> {title, args, lines}, for calls made in debug mode
let noted = []; // [console method, ...parts] since the last `done`

function note(level, ...parts) {
  if (debug) noted.push([level, ...parts]);
}

function noteSetting(key, before, after) {
  if (!debug) return;
  try {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
  } catch {
    // a value JSON cannot write (one the page set) counts as changed
  }
  note('log', `wootricSettings.${key}:`, before, '→', after);
}

function traceCall(id, title, args) {
  if (debug) traces.set(id, { title, args, lines: [] });
}

/** A warning about call `id`; in debug mode it goes in that call's group. */
function warn(message, id) {
  if (debug) (traces.get(id)?.lines ?? noted).push(['warn', PREFIX + message]);
  else console.warn(PREFIX + message);
}

function logGroup(title, lines) {
  console.groupCollapsed(PREFIX + title);
  for (const [level, ...parts] of lines) console[level](...parts);
  console.groupEnd();
}

/** Call `id` is applied: its group, with what was noted for it, if it was made in debug mode. */
function logCall(id) {
  const trace = traces.get(id);
  const lines = noted;
  noted = [];
  if (!trace || !debug) return;
  traces.delete(id);
  // Python holds the effects of calls made without consent and applies them on grant.
  const held = consented ? [] : [['log', 'held until analytics.consent.grant()']];
  const call = ['log', 'arguments:', ...trace.args];
  logGroup(trace.title, [call, ...trace.lines, ...lines, ...held]);
}
