/*
 * wootric-web's executor: everything on the page's main thread that the tag (wootric-web.js)
 * leaves until the page has loaded.
 *
 * The tag adds this file after the page's `load` event and hands over `window.analytics` with
 * the calls made so far. From then on every call is encoded as a JSON message and handed, in
 * call order, to the Python core (`wootric_web.protocol`) running in Pyodide, in a module worker
 * by default or on the main thread with `data-mode="main"`. Python answers with a list of plain
 * changes, which `applyChanges` below makes to the page: `window.wootricSettings`, the Wootric
 * beacon, identity storage, promises.
 *
 * This file decides nothing about behaviour; see docs/architecture.md for the wire protocol.
 * Each part between `// <name.js>` marker lines is js-modules/name.js, which `make build` copies
 * in (tools/assemble_js.py): change it there. The parts share this function's scope.
 * It runs on other people's pages: it defines no global and never throws into them.
 */
(() => {
  'use strict';

  const PREFIX = '[wootric-web] ';
  const HANDOFF_VERSION = 5; // what wootric-web.js hands over; see HANDOFF_VERSION there
  // <core-rules.js>
  // The core's rules that the JavaScript applies too, as wootric_web/shared_rules.py
  // gives them. Written by `make build` (tools/assemble_js.py): change them there.
  // Each file that copies it gets only the rules it reads.
  const CORE_RULES = Object.freeze({
    accountToken: "^NPS-(?:EU-|AU-)?[A-Za-z0-9]{8}$",
    defaultBeaconUrl: "https://cdn.wootric.com/wootric-sdk.js",
    defaultBeaconTimeoutMs: 10000,
    encoderLimits: {"depth": 64, "values": 20000, "characters": 2000000},
  });
  // </core-rules.js>
  const DEFAULT_BEACON_URL = CORE_RULES.defaultBeaconUrl;
  const DEFAULT_BEACON_TIMEOUT_MS = CORE_RULES.defaultBeaconTimeoutMs;
  // Twice the core's own limits (wootric_web/shared_rules.py): the core decides what is kept and
  // warns about it; these only bound the work an enormous argument can cost the page's thread.
  const ENCODE_MAX_DEPTH = CORE_RULES.encoderLimits.depth;
  const ENCODE_MAX_VALUES = CORE_RULES.encoderLimits.values;
  const ENCODE_MAX_CHARACTERS = CORE_RULES.encoderLimits.characters;

  const handoff = document.currentScript?.wootricWeb;
  if (!handoff || handoff.version !== HANDOFF_VERSION) {
    // Loaded on its own, or beside a tag from another release.
    console.error(PREFIX + 'wootric-web-executor.js is added by wootric-web.js, from the same ' +
      'release; include only the wootric-web.js script tag.');
    handoff?.fail?.();
    return;
  }
  // CALL_METHODS: the methods Python handles (the tag's list); each becomes a `call` message.
  // host: 'none', or the analytics library whose events arrive in hub (see join-host.js).
  const { api, script, CALL_METHODS, pageContext, readStored, host, hub } = handoff;

  // ---------------------------------------------------------------------------------------------
  // <tag-options.js>
  // Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
  // scope it shares (its `script`, `config`, `debug`, `send`…).
  // Configuration, from the script tag's attributes.

  const attr = (name) => (script ? script.getAttribute(name) : null);
  // A boolean attribute: on when present (`data-debug`, `data-debug=""`), unless "false".
  const flag = (name) => attr(name) !== null && attr(name) !== 'false';
  let debug = flag('data-debug');
  let config = null; // readConfig(), once start-up has read it

  /** The tag's options; throws an error with a `code` and a sentence saying what to change. */
  function readConfig() {
    const refuse = (code, message) => Object.assign(new Error(message), { code });
    const tagUrl = new URL(script && script.src ? script.src : 'wootric-web.js',
      document.baseURI);
    // Values written by the page resolve against the page; defaults sit beside this file.
    const pageUrl = (name) => {
      try {
        return new URL(attr(name), document.baseURI).href;
      } catch {
        throw refuse('config-url', `${name}="${attr(name)}" is not a URL; give a URL or a path.`);
      }
    };
    const asDirectory = (url) => (url.endsWith('/') ? url : url + '/');
    const timeoutAttribute = attr('data-beacon-timeout');
    const timeout = timeoutAttribute === null ? DEFAULT_BEACON_TIMEOUT_MS : Number(timeoutAttribute);
    const config = {
      tagUrl,
      accountToken: attr('data-account-token'),
      beaconUrl: attr('data-beacon-url') ? pageUrl('data-beacon-url') : DEFAULT_BEACON_URL,
      beaconTimeoutMs: timeout,
      pyodideUrl: asDirectory(attr('data-pyodide-url') ? pageUrl('data-pyodide-url')
        : new URL('pyodide/', tagUrl).href),
      // `make build` writes a manifest naming micropip's wheel and ours; data-wheel-url may name
      // another manifest (`….json`) or our wheel itself (micropip's then still comes from the
      // default manifest).
      manifestUrl: new URL('wheels/manifest.json', tagUrl).href,
      wheelUrl: null,
      mode: attr('data-mode') || 'worker',
    };
    if (attr('data-wheel-url')) {
      const url = pageUrl('data-wheel-url');
      if (new URL(url).pathname.endsWith('.json')) config.manifestUrl = url;
      else config.wheelUrl = url;
    }
    if (!config.accountToken) {
      throw refuse('config-account-token', 'The script tag has no data-account-token attribute; ' +
        'add data-account-token="NPS-…" with your Wootric account token.');
    }
    if (!(Number.isFinite(timeout) && timeout > 0)) {
      throw refuse('config-beacon-timeout', `data-beacon-timeout="${timeoutAttribute}" is not a ` +
        'number of milliseconds; use a positive number such as "10000", or leave it out for the ' +
        `default of ${DEFAULT_BEACON_TIMEOUT_MS} ms.`);
    }
    if (config.mode !== 'worker' && config.mode !== 'main') {
      throw refuse('config-mode',
        `data-mode="${config.mode}" is not a mode; use "worker" (the default) or "main".`);
    }
    // The beacon runs with all of the page's rights, so it comes over https or from the page's
    // own server unless the page explicitly accepts the risk.
    const beacon = new URL(config.beaconUrl);
    if (beacon.protocol !== 'https:' && beacon.origin !== location.origin &&
      attr('data-allow-insecure-beacon') === null) {
      throw refuse('config-beacon-url', `data-beacon-url="${attr('data-beacon-url')}" is ` +
        "neither https: nor on this page's server; use an https: URL, or add " +
        'data-allow-insecure-beacon to load it anyway.');
    }
    return config;
  }
  // </tag-options.js>

  // ---------------------------------------------------------------------------------------------
  // <debug-view.js>
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
  // </debug-view.js>

  // ---------------------------------------------------------------------------------------------
  // <encoder.js>
  // Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
  // scope it shares (its `script`, `config`, `debug`, `send`…).
  // Encoding call arguments: JSON plus two markers, never throwing.

  const FUNCTION_MARKER = { $wootric: 'function' };
  const typeTag = (value) => Object.prototype.toString.call(value);
  // What JSON cannot carry, so the core never sees it: said here, never naming the data.
  const ENCODE_NOTES = {
    cyclic: 'a value that contains itself was left out',
    unreadable: 'a value that threw when read was left out',
    'not-finite': 'NaN and Infinity became null',
    unsupported: 'DOM nodes, window and other objects that are not plain were left out',
  };

  /**
   * A JSON-safe copy of `value`: what JSON.stringify would keep, with Dates marked, within the
   * budget in `context`. Never throws: a part that cannot be read (a throwing getter or toJSON, a
   * hostile Proxy) is left out, and noted in `context.notes`.
   */
  function encode(value, depth, context) {
    try {
      return encodeValue(value, depth, context);
    } catch {
      context.notes.add('unreadable');
      return undefined;
    }
  }

  function encodeValue(value, depth, context) {
    context.values -= 1;
    if (context.values < 0) return undefined;
    switch (typeof value) {
      case 'string': {
        const text = value.slice(0, Math.max(context.characters, 0));
        context.characters -= text.length;
        return text;
      }
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value)) context.notes.add('not-finite');
        return Number.isFinite(value) ? value : null;
      case 'bigint':
        return value.toString();
      case 'undefined':
      case 'symbol':
      case 'function': // top-level functions are marked by encodeArgs; nested ones vanish as in JSON
        return undefined;
      default:
        break;
    }
    if (value === null) return null;
    if (depth > ENCODE_MAX_DEPTH) return undefined;
    if (context.seen.has(value)) {
      context.notes.add('cyclic');
      return undefined;
    }
    // typeTag rather than instanceof, so values from other frames count too.
    const tag = typeTag(value);
    switch (tag) {
      case '[object Date]': {
        const ms = value.getTime();
        return { $wootric: 'date', ms: Number.isFinite(ms) ? ms : null }; // Python warns on null
      }
      case '[object String]':
      case '[object Number]':
      case '[object Boolean]':
        return encodeValue(value.valueOf(), depth, context);
      default:
        break;
    }
    if (typeof value.toJSON === 'function') {
      const replaced = value.toJSON();
      return replaced === value ? undefined : encode(replaced, depth + 1, context);
    }
    const isArray = Array.isArray(value);
    if (!isArray && tag !== '[object Object]') {
      context.notes.add('unsupported');
      return undefined;
    }
    context.seen.add(value);
    try {
      if (isArray) {
        const out = [];
        for (let i = 0; i < value.length && context.values > 0; i += 1) {
          const item = encode(readProperty(value, i, context), depth + 1, context);
          out.push(item === undefined ? null : item);
        }
        return out;
      }
      const out = Object.create(null); // so that a "__proto__" key stays an ordinary key
      for (const key of Object.keys(value)) {
        context.characters -= key.length;
        if (context.values <= 0 || context.characters < 0) break;
        const item = encode(readProperty(value, key, context), depth + 1, context);
        if (item !== undefined) out[key] = item;
      }
      return out;
    } finally {
      context.seen.delete(value);
    }
  }

  /** value[key], or undefined (left out, as JSON leaves out undefined) when a getter throws. */
  function readProperty(value, key, context) {
    try {
      return value[key];
    } catch {
      context.notes.add('unreadable');
      return undefined;
    }
  }

  /** Call `id`'s arguments, position for position: callbacks marked, anything unencodable null. */
  function encodeArgs(id, method, args) {
    const notes = new Set();
    const encoded = args.map((arg) => {
      if (typeof arg === 'function') return FUNCTION_MARKER;
      const context = { seen: new Set(), values: ENCODE_MAX_VALUES,
        characters: ENCODE_MAX_CHARACTERS, notes };
      const item = encode(arg, 0, context);
      return item === undefined ? null : item;
    });
    if (notes.size) {
      const said = [...notes].map((note) => ENCODE_NOTES[note]).join('; ');
      warn(`analytics.${method}(): ${said}.`, id);
    }
    return encoded;
  }
  // </encoder.js>

  // ---------------------------------------------------------------------------------------------
  // Applying Python's changes to the page.

  let identity = null; // the mirror of Python's identity, for analytics.user()
  const calls = new Map(); // call id -> { resolve, callback, method, args }
  let nextCallId = 1;

  // <beacon-driver.js>
  // Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
  // scope it shares (its `script`, `config`, `debug`, `send`…).
  // Wootric's beacon: window.wootricSettings written, the beacon preloaded, loaded and called.
  let beaconScript = null;

  /** window.wootricSettings (made if the page has none), with the survey hooks installed. */
  function settingsObject() {
    let settings = window.wootricSettings;
    if (!settings || typeof settings !== 'object') {
      settings = {};
      window.wootricSettings = settings;
    }
    installSurveyHooks(settings);
    return settings;
  }

  // A plain own data property, so that nothing on the page (setters on a wootricSettings it made
  // itself, or on its prototype) can intercept or redirect the write.
  const dataProperty = (value) => ({ value, writable: true, enumerable: true, configurable: true });

  function writeSettings(values) {
    const settings = settingsObject();
    for (const [key, value] of Object.entries(values)) {
      try {
        const before = debug ? settings[key] : undefined;
        Object.defineProperty(settings, key, dataProperty(value));
        noteSetting(key, before, value);
      } catch {
        console.warn(PREFIX + `window.wootricSettings.${key} is locked by the page; not written.`);
      }
    }
  }

  // A Wootric account token's shape. Python decides; this only keeps the executor from fetching a
  // beacon that a malformed token will never load.
  const TOKEN_SHAPE = new RegExp(CORE_RULES.accountToken);
  let beaconHinted = false;

  /**
   * While Python restores a snapshot (well under a second), the beacon is fetched beside it, so
   * that it is at hand when Python asks for it. Only a hint: Python still decides whether it loads
   * and runs. Never without consent (the request reaches Wootric), and never before the page's
   * `load` event, which a preload would delay.
   */
  function preloadBeacon() {
    if (beaconHinted || !consented || !TOKEN_SHAPE.test(config.accountToken)) return;
    beaconHinted = true;
    const hint = () => {
      if (beaconScript) return; // Python asked for it first
      const link = document.createElement('link');
      link.rel = 'preload';
      link.as = 'script';
      link.href = config.beaconUrl;
      (document.head || document.documentElement).appendChild(link);
    };
    if (document.readyState === 'complete') hint();
    else window.addEventListener('load', hint, { once: true });
  }

  function loadBeacon(url) {
    if (beaconScript) return;
    beaconScript = document.createElement('script');
    beaconScript.async = true;
    beaconScript.src = url;
    let settled = false;
    let threw = false;
    // An error thrown while the beacon runs becomes its reported failure rather than an uncaught
    // error on the page. (A cross-origin beacon's errors are muted and name no file: those stay.)
    const onError = (event) => {
      if (event.filename !== beaconScript.src) return;
      threw = true;
      event.preventDefault();
      log('the beacon threw', event.error);
    };
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      window.removeEventListener('error', onError);
      send({ kind: 'beacon', ...outcome }, `beacon ${outcome.state} ${outcome.code ?? ''}`.trim())
        .then(markReady);
    };
    const timer = setTimeout(
      () => settle({ state: 'failed', code: 'beacon-timeout' }), config.beaconTimeoutMs);
    window.addEventListener('error', onError);
    beaconScript.addEventListener('load', () => {
      if (threw) settle({ state: 'failed', code: 'beacon-threw' });
      else if (typeof window.wootric === 'function') settle({ state: 'loaded' });
      else settle({ state: 'failed', code: 'beacon-no-wootric' });
    });
    beaconScript.addEventListener('error',
      () => settle({ state: 'failed', code: 'beacon-load-failed' }));
    (document.head || document.documentElement).appendChild(beaconScript);
  }

  function callBeacon(command) {
    if (typeof window.wootric !== 'function') {
      note('log', `no window.wootric for wootric('${command}')`);
      return;
    }
    note('log', `wootric('${command}')`);
    try {
      window.wootric(command);
    } catch (error) {
      report('beacon-command-failed', `The Wootric beacon threw on window.wootric('${command}'); ` +
        "that call's settings are written, but its survey may not show.");
      note('log', 'the beacon threw:', error); // its message may quote the settings
    }
  }
  // </beacon-driver.js>

  // <identity-storage.js>
  // Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
  // scope it shares (its `script`, `config`, `debug`, `send`…).
  // Identity storage: Python's `store` changes, written to cookies and localStorage, where
  // analytics.js keeps the same keys.
  function store({ key, value, cookie, local }) {
    const text = value == null || typeof value === 'string' ? value : JSON.stringify(value);
    if (cookie) {
      try {
        document.cookie = text == null
          ? `${key}=; path=/; max-age=0; SameSite=Lax`
          : `${key}=${encodeURIComponent(text)}; path=/; max-age=31536000; SameSite=Lax`;
      } catch {
        // cookies unavailable: Python keeps the identity in memory
      }
    }
    if (local) {
      try {
        if (text == null) window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, text);
      } catch {
        // localStorage unavailable or full
      }
    }
  // </identity-storage.js>
  }

  function finishCall(id) {
    logCall(id);
    const call = calls.get(id);
    if (!call) return;
    calls.delete(id);
    call.resolve();
    if (call.callback) {
      try {
        call.callback();
      } catch (error) {
        console.error(PREFIX + `the callback given to analytics.${call.method}() threw:`, error);
      }
    }
    emit(call.method, call.args);
  }

  const OPERATIONS = {
    settings: ({ values }) => writeSettings(values),
    unset: ({ keys }) => {
      const settings = settingsObject();
      for (const key of keys) {
        const before = debug ? settings[key] : undefined;
        delete settings[key];
        noteSetting(key, before, undefined);
      }
    },
    load_beacon: ({ url }) => {
      note('log', 'loading the beacon', url);
      loadBeacon(url);
    },
    beacon: ({ command }) => callBeacon(command),
    store,
    identity: (change) => {
      identity = change;
    },
    warn: ({ message, call }) => warn(message, call),
    // The core reports only what stops surveys from showing (a bad token, a failed beacon): the
    // beacon will not load, so analytics.ready() must not wait for it.
    error: ({ code, message }) => {
      report(code, message);
      markReady();
    },
    stop_survey: () => {
      note('log', 'WootricSurvey.stop()');
      window.WootricSurvey?.stop?.();
    },
    done: ({ call }) => handled(call),
  };

  /** Makes one list of changes to the page, in order. Shared by both modes. */
  function applyChanges(changes) {
    for (const change of changes) {
      const operation = change && OPERATIONS[change.op];
      if (!operation) {
        note('log', 'unknown change ignored', change);
        continue;
      }
      try {
        operation(change);
      } catch (error) {
        console.error(PREFIX + `could not apply a "${change.op}" change:`, error);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // <runtime-channel.js>
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
  // </runtime-channel.js>

  // ---------------------------------------------------------------------------------------------
  // Calls not yet handled when the page goes away are kept for the site's next page load (the
  // tag keeps the store: see keepPending there); the next load applies them before its own.

  const LOAD_ID = handoff.loadId;
  const unhandled = new Map(); // call id -> {load, at, method, args, page}, until Python is done

  /** Sends a call to Python and keeps it until Python has handled it. */
  function sendCall(id, entry) {
    unhandled.set(id, entry);
    if (handoff.pendingKept()) savePending();
    if (takenElsewhere(id)) return;
    send({ kind: 'call', id, method: entry.method, args: entry.args, page: entry.page });
  }

  /**
   * A call this load kept in storage while hidden, and another tab or page load then took and
   * applied: it is finished here without being applied a second time.
   */
  function takenElsewhere(id) {
    const entry = unhandled.get(id);
    if (!entry || !handoff.wasTaken(entry.key)) return false;
    unhandled.delete(id);
    note('log', 'applied by another page of this site, which took it from storage');
    finishCall(id);
    return true;
  }

  /** Before calls go to Python: those still stored are taken back, those taken are dropped. */
  function takeBack() {
    const sending = outbox.map(([seq]) => unhandled.get(sent.get(seq)?.call)?.key);
    storeUnhandled(sending.filter(Boolean));
  }

  /** Calls not yet posted that another load took: dropped, each in its place among replies. */
  function dropTaken() {
    const dropped = outbox.filter(([seq]) => takenElsewhere(sent.get(seq)?.call));
    if (!dropped.length) return;
    outbox = outbox.filter((message) => !dropped.includes(message));
    for (const [seq] of dropped) receive(seq, '[]');
  }

  /** Python is done with a call (or could not handle it, which it said): it is no longer kept. */
  function handled(id) {
    if (unhandled.delete(id) && handoff.pendingKept()) savePending();
    finishCall(id);
  }

  /** Stores this load's unhandled calls beside other loads' (another tab's, say), with consent. */
  function savePending() {
    if ((consented && unhandled.size) || handoff.pendingKept()) storeUnhandled();
    else dropTaken();
  }

  /** This load's unhandled calls into the store (with consent); `sending`: see keepPending. */
  function storeUnhandled(sending = []) {
    handoff.keepPending(consented ? [...unhandled.values()] : [], sending);
    dropTaken();
  }

  /** Applies the calls a previous page load left, once. */
  function replayPending() {
    for (const entry of handoff.takePending()) {
      traceCall(nextCallId, `${entry.method} (left by an earlier page)`, entry.args);
      sendCall(nextCallId, { ...entry, load: LOAD_ID, key: `c${nextCallId}` });
      nextCallId += 1;
    }
  }

  // pagehide is the last event a page reliably gets, and a hidden page may be discarded unseen.
  const leaving = () => {
    savePending();
    leaveUnappliedWord();
  };
  window.addEventListener('pagehide', leaving);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') leaving();
  });

  // ---------------------------------------------------------------------------------------------
  // <survey-events.js>
  // Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
  // scope it shares (its `script`, `config`, `debug`, `send`…).
  // Events, for analytics.on/once/off: each handled call is emitted under its method name.

  const listeners = new Map(); // event -> [listener]

  function emit(event, args) {
    for (const listener of [...(listeners.get(event) || [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(PREFIX + `a listener for "${event}" threw:`, error);
      }
    }
  }

  function removeListener(event, listener) {
    const list = listeners.get(event);
    const at = list ? list.findIndex((entry) => entry === listener || entry.original === listener)
      : -1;
    if (at >= 0) list.splice(at, 1);
  }

  // The survey's lifecycle. The beacon calls wootricSettings.callbacks: after_eligible(eligible),
  // after_show(), after_response(score, text), after_decline(). Each becomes a `wootric-web:*`
  // event on window and an analytics.on event, after the page's own callback of that name.

  // callback -> [DOM event, analytics.on event, its detail]: listeners get the detail's values.
  const SURVEY_EVENTS = {
    after_eligible: ['wootric-web:eligible', 'eligible', (eligible) => ({ eligible })],
    after_show: ['wootric-web:shown', 'shown', () => null],
    after_response: ['wootric-web:response', 'survey_response', (score, text) => ({ score, text })],
    after_decline: ['wootric-web:decline', 'decline', () => null],
  };
  const pageCallbacks = {}; // callback name -> the page's own function

  const surveyHooks = Object.fromEntries(Object.entries(SURVEY_EVENTS).map(
    ([name, [type, event, detailOf]]) => [name, (...args) => {
      try {
        if (typeof pageCallbacks[name] === 'function') pageCallbacks[name](...args);
      } catch (error) {
        console.error(PREFIX + `the page's wootricSettings.callbacks.${name} threw:`, error);
      }
      const detail = detailOf(...args);
      window.dispatchEvent(new CustomEvent(type, { detail }));
      emit(event, Object.values(detail ?? {}));
    }]));

  /**
   * Puts the hooks into `settings.callbacks`, keeping the page's functions to call first. Each
   * hook is an accessor, so a function the page assigns later (`callbacks.after_show = f`) is
   * chained too. This runs whenever settings are written, so a callbacks object (or a
   * wootricSettings) the page replaces gets the hooks again before the beacon's next command.
   */
  function installSurveyHooks(settings) {
    try {
      let callbacks = settings.callbacks;
      if (!callbacks || typeof callbacks !== 'object') {
        callbacks = {};
        Object.defineProperty(settings, 'callbacks', dataProperty(callbacks));
      }
      for (const [name, hook] of Object.entries(surveyHooks)) {
        if (callbacks[name] === hook) continue;
        pageCallbacks[name] = callbacks[name];
        Object.defineProperty(callbacks, name, {
          get: () => hook,
          set: (callback) => {
            pageCallbacks[name] = callback;
          },
          enumerable: true,
          configurable: true,
        });
      }
    } catch {
      // A page that locked its callbacks keeps them as they are, without these events.
    }
  }
  // </survey-events.js>

  // ---------------------------------------------------------------------------------------------
  // The public API: what window.analytics does once the tag has handed it over.

  let isReady = false;

  function markReady() {
    if (isReady) return;
    isReady = true;
    handoff.markReady();
    emit('ready', []);
  }

  function makeCall(method, args, page, key) {
    const callback = args.find((arg) => typeof arg === 'function');
    const id = nextCallId;
    nextCallId += 1;
    const done = new Promise((resolve) => calls.set(id, { resolve, callback, method, args }));
    traceCall(id, method, args);
    // An early call keeps the key the tag stored it under; later ones get theirs here.
    const entry = { load: LOAD_ID, key: key ?? `c${id}`, at: Date.now(), method,
      args: encodeArgs(id, method, args), page };
    sendCall(id, entry);
    // Without a runtime the call is resolved at once, and still kept for the next page load.
    if (failed) finishCall(id);
    return done;
  }

  /** analytics.consent: the core applies the visitor's choice and remembers it. */
  function setConsent(granted) {
    consented = granted;
    if (handoff.pendingKept()) savePending(); // a revoked choice takes this load's calls out of storage
    const word = (unappliedWord = { granted });
    return send({ kind: 'consent', granted }, granted ? 'consent granted' : 'consent revoked')
      .then((answer) => {
        // Python has stored the choice: a word left for the next page would only repeat it, or
        // overrule what the visitor says after. A later word, still on its way, stays left.
        if (unappliedWord === word) {
          unappliedWord = null;
          handoff.takeWordBack();
        }
        return answer;
      });
  }
  // The visitor's latest consent call until Python has applied (and stored) it.
  let unappliedWord = null;

  /** A page left before Python applied the visitor's word leaves it for the next (the tag's). */
  function leaveUnappliedWord() {
    if (unappliedWord) handoff.leaveWord(unappliedWord.granted ? 'granted' : 'revoked');
  }

  // Each takes the method's arguments as a list (and calls, the page context of their moment);
  // the tag wraps them so that none throws into the page.
  const methods = {
    debug: ([flag]) => {
      debug = flag !== false;
      return api;
    },
    on: ([event, listener]) => {
      if (typeof listener === 'function') {
        listeners.set(event, [...(listeners.get(event) || []), listener]);
      }
      return api;
    },
    once: ([event, listener]) => {
      if (typeof listener !== 'function') return api;
      const wrapper = (...args) => {
        removeListener(event, wrapper);
        listener(...args);
      };
      wrapper.original = listener;
      return methods.on([event, wrapper]);
    },
    off: ([event, listener]) => {
      if (listener === undefined) listeners.delete(event);
      else removeListener(event, listener);
      return api;
    },
    'consent.grant': () => setConsent(true),
    'consent.revoke': () => setConsent(false),
    /** Python's last reported identity, for analytics.user(); null until it has reported one. */
    identity: () => identity && {
      userId: identity.user_id ?? null,
      anonymousId: identity.anonymous_id ?? null,
      traits: identity.traits,
    },
  };
  for (const method of CALL_METHODS) {
    methods[method] = (args, page, key) => makeCall(method, args, page, key);
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up.

  // Beside a host library the identity is the library's: only the consent choice is wootric-web's.
  const stored = host === 'none' ? readStored()
    : { local: pick(readStored().local, ['wootric_web_consent']), cookie: {} };
  // Without consent, no call's data is kept in storage (wootric_web_pending).
  let consented = handoff.consentGiven(stored);

  function pick(object, keys) {
    return Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
  }

  /** One event from the host library, as it delivered it to its destinations. */
  function deliverEvent({ host: library, event }) {
    const id = nextCallId;
    nextCallId += 1;
    const type = typeof event?.type === 'string' ? event.type : 'event';
    traceCall(id, `${type} (from ${library})`, [event]);
    const [encoded] = encodeArgs(id, type, [event]);
    send({ kind: 'event', id, event: encoded }, type);
  }

  function start() {
    config = readConfig();
    runtime = config.mode === 'main' ? startMainThread() : startWorker();
    send({
      kind: 'start',
      account_token: config.accountToken,
      beacon_url: config.beaconUrl,
      consent: flag('data-consent') ? 'required' : undefined, // JSON leaves undefined out
      strict_properties: flag('data-strict-properties'),
      host: host === 'none' ? undefined : host,
      stored,
    });
  }

  try {
    start();
  } catch (error) {
    // readConfig's errors are sentences already; anything else is unexpected.
    if (error.code) fail(error.code, error.message);
    else fail('boot-failed', `wootric-web could not start: ${error}`);
  }

  // The previous page's unhandled calls were made before any of this page's.
  if (host === 'none') replayPending();

  // The calls the tag kept until now, in call order; from here on the tag sends each at once.
  handoff.takeOver(methods);

  // The host library's events so far, in the order it delivered them; then each as it comes.
  if (host !== 'none') {
    hub.deliver = deliverEvent;
    for (const item of hub.events.splice(0)) deliverEvent(item);
  }
})();
