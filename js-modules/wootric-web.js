/*
 * wootric-web: the script tag, added by the page or by the loader (wootric-web-loader.js).
 * This is its source; `make build` minifies it into static/wootric-web.js, the file pages load.
 *
 *   <script async src="/static/wootric-web.js" data-account-token="NPS-01fe3cbc"></script>
 *
 * Small, as a page may wait for it before `load`: it defines `window.analytics` at once and
 * keeps each call, in order, with the page context of its moment. Once the page has loaded it
 * adds the executor (wootric-web-executor.js), which starts Python, replays those calls and
 * applies Python's answers; from then on every call goes straight to the executor.
 *
 * It runs on other people's pages: it defines only `window.analytics` and never throws into them.
 */
(() => {
  'use strict';

  const PREFIX = '[wootric-web] ';
  const MARK = '__wootricWeb';
  // Bumped when what the executor is handed changes: mismatched releases then refuse each other.
  const HANDOFF_VERSION = 5;
  const LOAD_WAIT_MS = 10000; // the executor comes at `load`, or this long after the tag ran
  // <core-rules.js>
  // The core's rules that the JavaScript applies too, as wootric_web/shared_rules.py
  // gives them. Written by `make build` (tools/assemble_js.py): change them there.
  // Each file that copies it gets only the rules it reads.
  const CORE_RULES = Object.freeze({
    consentKey: "wootric_web_consent",
    storedKeys: {"local": ["ajs_anonymous_id", "ajs_user_id", "ajs_user_traits", "ajs_group_id", "ajs_group_properties", "wootric_web_consent"], "cookie": ["ajs_anonymous_id", "ajs_user_id", "ajs_group_id"]},
  });
  // </core-rules.js>
  // <methods.js>
  // The analytics.js methods wootric-web answers, for the loader's queue and the tag alike.
  // Calls: each goes to the core with the page context of the moment it was made.
  const CALL_METHODS = ['identify', 'track', 'page', 'group', 'alias', 'screen', 'reset',
    'setAnonymousId'];
  // These return analytics itself, so that they chain.
  const CHAINED_METHODS = ['on', 'once', 'off', 'debug'];
  // The rest of the Segment snippet's stubs: accepted so snippet code keeps working, no effect.
  const NO_OP_METHODS = ['trackSubmit', 'trackClick', 'trackLink', 'trackForm', 'pageview',
    'addSourceMiddleware', 'addIntegrationMiddleware', 'addDestinationMiddleware', 'register'];
  // </methods.js>
  // <consent.js>
  // The core's consent rule (Session in wootric_web/session.py), for the loader and the tag before
  // Python answers: may this visitor's calls be kept? `choice` is the stored one ("granted",
  // "revoked" or null), `attribute` the tag's data-consent (null when it has none).
  const consentAllows = (choice, attribute) => choice !== 'revoked' &&
    (attribute === null || attribute === 'false' || choice === 'granted');

  // The choice once a queue's consent calls are applied in call order (`methods`: its method
  // names): a page left before wootric-web could apply them still keeps the visitor's last word.
  const choiceAfter = (choice, methods) => methods.reduce((last, method) =>
    (method === 'consent.grant' ? 'granted' : method === 'consent.revoke' ? 'revoked' : last), choice);
  // </consent.js>
  // <page-context.js>
  // The page as it is when a call is made. A call keeps the context of its own moment: a
  // single-page app may have moved on by the time the call is applied.
  const capturePage = () => {
    const context = { href: '', pathname: '', search: '', referrer: '', title: '', canonical: null };
    try {
      context.href = location.href;
      context.pathname = location.pathname;
      context.search = location.search;
      context.referrer = document.referrer;
      context.title = document.title;
      context.canonical = document.querySelector("link[rel='canonical']")?.getAttribute('href') ??
        null;
    } catch {
      // a document that cannot be read leaves the defaults, which Python fills from `href`
    }
    return context;
  };

  // Segment's snippet queues a call's context in a short form, its "buffered page context", as
  // the last argument; the loader queues its calls the same way, with the time of the call.
  const bufferedPage = (context, at) => ({ __t: 'bpc', at, u: context.href, p: context.pathname,
    s: context.search, r: context.referrer, t: context.title, c: context.canonical });
  // </page-context.js>
  // <buffered-page.js>
  // Part of the tag. The short form of a page context that the loader and Segment's snippet queue
  // (page-context.js makes it), read back: from a queue as it is replayed, or a queue a loader left.
  // Each field is a string, whoever wrote it.
  const fromBufferedPage = (buffered) => ({
    href: String(buffered.u ?? ''),
    pathname: String(buffered.p ?? ''),
    search: String(buffered.s ?? ''),
    referrer: String(buffered.r ?? ''),
    title: String(buffered.t ?? ''),
    canonical: buffered.c == null ? null : String(buffered.c),
  });
  // </buffered-page.js>
  // <left-queue.js>
  // What a page that goes away before its `load` leaves for the next: the loader's queue as it
  // stands, under LEFT_QUEUE_KEY and the page load's name, as {load, at, page, calls}. The loader
  // writes it and the tag, on the site's next page load (or this one's, if it comes back), moves it
  // into the store of kept calls (pending-store.js): all that reading and merging runs after
  // `load`, where the loader's share of the page's main thread before `load` does not grow with it.
  // `calls` holds each queue entry, [method, ...args], as storedCopy makes it, or its method alone
  // when JSON cannot carry it or it is older than the newest PENDING_MAX_CALLS entries (so that the
  // calls after it keep their numbers); `page` is the page at that moment, for entries queued
  // without one.
  const LEFT_QUEUE_KEY = 'wootric_web_left_';
  // The store keeps no more calls than this, the newest.
  const PENDING_MAX_CALLS = 100;

  /**
   * A call's arguments, or a queue entry, as they can be stored: JSON, with Dates and functions
   * marked as the executor marks them for the core; null for what JSON cannot carry (a value
   * that contains itself, say), which goes with the page.
   */
  const storedCopy = (args) => {
    const marked = function (key, value) {
      const raw = this[key];
      if (raw instanceof Date) return { $wootric: 'date', ms: raw.getTime() };
      return typeof raw === 'function' ? { $wootric: 'function' } : value;
    };
    try {
      return JSON.parse(JSON.stringify(args, marked));
    } catch {
      return null;
    }
  };
  // </left-queue.js>
  // <pending-store.js>
  // Where calls wait for the site's next page load when a page goes away before applying them, as
  // analytics.js keeps undelivered events: the tag and (through the tag) the executor read and write
  // it here, and the tag moves into it what a loader left (left-queue.js, which comes first and has
  // PENDING_MAX_CALLS). PENDING_KEY holds {load, key, at, method, args, page} per call; TAKEN_KEY a
  // mark {load, key, at} of each call a page load took from it (see the tag).
  const PENDING_KEY = 'wootric_web_pending';
  const TAKEN_KEY = 'wootric_web_taken';
  const PENDING_MAX_MARKS = 200;
  const PENDING_MAX_AGE_MS = 24 * 60 * 60 * 1000;
  // localStorage holds about 5 MB for the whole site, the page's data included.
  const PENDING_MAX_CHARACTERS = 1000000;

  /** A stored list, oldest first, of entries less than a day old; [] when unreadable. */
  const readList = (key) => {
    let list = [];
    try {
      list = JSON.parse(window.localStorage.getItem(key)) || [];
    } catch {
      return [];
    }
    const now = Date.now();
    return (Array.isArray(list) ? list : [])
      .filter((entry) => entry && now - entry.at < PENDING_MAX_AGE_MS)
      .sort((a, b) => a.at - b.at);
  };

  /** The store: well-formed calls (at most the limit), and marks of calls taken. */
  const readStore = () => ({
    calls: readList(PENDING_KEY).filter((entry) => CALL_METHODS.includes(entry.method) &&
      Array.isArray(entry.args)).slice(-PENDING_MAX_CALLS),
    marks: readList(TAKEN_KEY).slice(-PENDING_MAX_MARKS),
  });

  /** Writes a list, or removes it when empty; false when storage refused (unavailable, full). */
  const writeList = (key, list) => {
    try {
      if (list.length) window.localStorage.setItem(key, JSON.stringify(list));
      else window.localStorage.removeItem(key);
      return true;
    } catch {
      return false;
    }
  };

  /** Replaces the stored calls (the newest, within the limits) and, unless null, the marks. */
  const writeStore = (calls, marks) => {
    let kept = calls.slice(-PENDING_MAX_CALLS);
    const tooLong = () => JSON.stringify(kept).length > PENDING_MAX_CHARACTERS;
    while (kept.length && tooLong()) kept = kept.slice(1);
    if (marks) writeList(TAKEN_KEY, marks.slice(-PENDING_MAX_MARKS));
    return writeList(PENDING_KEY, kept);
  };
  // </pending-store.js>
  // Read at start-up for the core, and by analytics.user() before Python answers.
  const STORED_KEYS = CORE_RULES.storedKeys;

  const previous = window.analytics;
  if (previous?.[MARK] || window.wootricWeb?.[MARK]) {
    console.error(PREFIX + 'The wootric-web script tag is included twice; remove one of them. ' +
      'The second copy does nothing.');
    return;
  }
  // Only readable while this file runs.
  const script = document.currentScript ||
    document.querySelector('script[src*="wootric-web"][data-account-token]');

  // <join-host.js>
  // Joins the analytics library the page already runs as one of its destinations, so that the site
  // keeps every call it makes and wootric-web only listens. `make build` copies this file into the
  // loader and the tag (tools/assemble_js.py); it is written once, here.
  //
  // Segment's analytics.js (analytics-next) takes a destination plugin named Wootric, queued as
  // ['register', plugin] while only its snippet is on the page; RudderStack's SDK v3 takes a custom
  // device-mode integration for a destination id from its dashboard, and only before it loads.
  // Either way each event waits in hub.events until the executor sets hub.deliver.
  // Segment's snippet: a queue that can load analytics.js and carries the source's write key. A
  // Segment-style queue without them is a page's own, for whichever library comes (wootric-web's).
  const isSegmentSnippet = (queue) => Array.isArray(queue) && queue.invoked === true &&
    (typeof queue.load === 'function' || typeof queue._writeKey === 'string');

  // In parentheses, a function V8 compiles with the script around it, instead of parsing it a second
  // time when it is called: the loader calls it at once, before the page's `load` (the join took
  // 0.03 ms instead of 0.095, the script's first compile 0.03 ms more).
  const joinHost = (function (hub, rudderstackDestination) {
    const events = (hub.events ??= []);
    const keep = (host, event) => {
      if (event && hub.passive !== true) (hub.deliver ?? ((item) => events.push(item)))({ host, event });
    };
    const segment = window.analytics;
    if (!hub.segment && segment && !segment.__wootricWeb) {
      // The plugin only records analytics.js when it loads: whether this destination speaks (the
      // integrations option, Segment's own Wootric destination, a late join) is the tag's to decide
      // (decideSegment there), and events wait for it. What the loader runs delays the page's `load`.
      const hook = (ctx) => {
        keep('segment', ctx?.event);
        return ctx;
      };
      const plugin = {
        name: 'Wootric', type: 'destination', version: '1', isLoaded: () => true,
        load: (ctx, analytics) => {
          hub.segmentAnalytics = analytics;
          hub.decideSegment?.();
          return Promise.resolve();
        },
        identify: hook, track: hook, page: hook, group: hook,
      };
      if (Array.isArray(segment)) {
        // Segment's snippet (or our own queue, which a snippet after us adopts) replays it in order:
        // registers before any call, so this destination sees every call made before load.
        hub.segment = 'queued';
        segment.push(['register', plugin]);
      } else if (typeof segment.register === 'function') {
        hub.segment = 'late';
        hub.late = true;
        try {
          Promise.resolve(segment.register(plugin)).catch(() => {});
        } catch {
          hub.segment = null; // not Segment's after all
        }
      }
    }
    // The destination id is a string, or (from the loader) a function that reads it: the loader's
    // own script element costs the page about a millisecond before `load` the first time a script
    // touches it, so it is read only once RudderStack is on the page.
    const destination = () => (typeof rudderstackDestination === 'function'
      ? rudderstackDestination() : rudderstackDestination);
    const join = (rudder) => {
      const id = destination();
      if (!id) return;
      if (!Array.isArray(rudder)) {
        hub.rudderstack = 'too-late'; // a loaded SDK takes no integration
        return;
      }
      hub.rudderstack = 'queued';
      const integration = { isReady: () => true };
      integration.identify = integration.track = integration.page = integration.group =
        (analytics, logger, event) => keep('rudderstack', event?.message);
      rudder.push(['addCustomIntegration', id, integration]);
    };
    if (!hub.rudderstack && rudderstackDestination) {
      if (window.rudderanalytics !== undefined) join(window.rudderanalytics);
      else if (typeof rudderstackDestination !== 'function') join((window.rudderanalytics = []));
      else {
        // RudderStack's v3 snippet comes later, and starts with `window.rudderanalytics = … || []`:
        // that assignment is caught once, the property left plain, and the destination queued in
        // the snippet's own array before its first call.
        hub.rudderstack = 'waiting';
        Object.defineProperty(window, 'rudderanalytics', {
          configurable: true,
          enumerable: true,
          get: () => undefined,
          set: (value) => {
            hub.unwatch();
            window.rudderanalytics = value;
            hub.rudderstack = null;
            join(value);
          },
        });
        // The tag, once it decides: RudderStack did not come, and the page's global is its own.
        hub.unwatch = () => {
          if (Object.getOwnPropertyDescriptor(window, 'rudderanalytics')?.set) {
            delete window.rudderanalytics;
          }
        };
      }
    }
    return hub;
  });
  // </join-host.js>

  // The loader hands over what it joined; a tag in its own element joins now.
  const handed = script?.wootricWebHub;
  const hub = handed ?? joinHost({}, script?.getAttribute('data-rudderstack-destination'));

  /** Tells the site owner why wootric-web cannot work as it should: a console error and event. */
  function refuse(code, message) {
    console.error(PREFIX + message + ` (${code})`);
    window.dispatchEvent(new CustomEvent('wootric-web:error', { detail: { code, message } }));
  }

  // <choose-host.js>
  // Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
  /**
   * Which library's events drive the survey: 'segment', 'rudderstack', or 'none' (wootric-web
   * defines window.analytics itself); null when another library holds window.analytics.
   * data-host names it; otherwise it is what the page runs.
   */
  function chooseHost() {
    const named = script?.getAttribute('data-host') ?? null;
    // Added by the loader at `load`: a library's script added before then has run or failed.
    const settled = !!handed || document.readyState === 'complete';
    const segmentLoaded = !!previous && !Array.isArray(previous) &&
      typeof previous.register === 'function';
    const segmentLoading = isSegmentSnippet(previous);
    const rudder = window.rudderanalytics;
    if (named !== null && !['segment', 'rudderstack', 'none'].includes(named)) {
      refuse('config-host', `data-host="${named}" is not a library wootric-web joins; use ` +
        '"segment", "rudderstack" or "none", or leave it out to have it found.');
    }
    // The loader watched for a RudderStack snippet that has not come: the global is the page's.
    if (hub.rudderstack === 'waiting') hub.unwatch();
    // analytics.js replaces its snippet's queue only once it has its settings, which may be
    // after the page's `load`: a queue still there means loading, unless it never ends.
    if (named !== 'none' && named !== 'rudderstack' && (segmentLoaded || segmentLoading)) {
      if (segmentLoading) {
        setTimeout(() => {
          if (Array.isArray(window.analytics)) {
            refuse('host-load-failed', "Segment's analytics.js has not loaded, so wootric-web " +
              'gets none of its events; no survey can show.');
          }
        }, LOAD_WAIT_MS);
      }
      return 'segment';
    }
    if (named !== 'none' && hub.rudderstack === 'queued') {
      if (Array.isArray(rudder) && settled) {
        refuse('host-load-failed', "RudderStack's SDK did not load, so wootric-web gets none " +
          'of its events; no survey can show.');
      }
      return 'rudderstack';
    }
    if (hub.rudderstack === 'too-late') {
      refuse('host-joined-late', "RudderStack's SDK had loaded before wootric-web, and it " +
        "takes a destination only before it loads; put wootric-web's loader before " +
        "RudderStack's snippet.");
    }
    if (named === 'segment') {
      console.warn(PREFIX + 'data-host="segment", but Segment\'s analytics.js is not on this ' +
        'page; wootric-web takes the calls itself.');
    }
    if (previous && !Array.isArray(previous)) {
      console.error(PREFIX + 'window.analytics is already defined by another library; ' +
        'wootric-web leaves it alone and does nothing.');
      return null;
    }
    return 'none';
  }
  // </choose-host.js>
  const host = chooseHost();
  if (host === null) return;
  // Events the host library delivered go nowhere once it has taken the calls itself.
  if (host === 'none') hub.passive = true;

  // <segment-decision.js>
  // Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
  /**
   * Whether the Segment destination speaks, decided once analytics.js has loaded (join-host.js's
   * plugin records it, and calls this if the tag is here by then). Until then its events wait.
   */
  function decideSegment() {
    const analytics = hub.segmentAnalytics;
    if (!analytics || hub.segmentDecided) return;
    hub.segmentDecided = true;
    const quiet = () => {
      hub.passive = true;
      hub.events.length = 0;
    };
    // Load options' integrations decide which destinations load at all, as for Segment's own.
    const chosen = analytics.options?.integrations ?? {};
    if ((chosen.Wootric ?? chosen.All ?? true) === false) return quiet();
    // Segment's own Wootric destination is on for this source: one of the two must be quiet.
    if (analytics.settings?.cdnSettings?.integrations?.Wootric) {
      console.warn(PREFIX + "Segment's own Wootric destination is on for this source; it " +
        'drives the survey and wootric-web stays out of it. Turn one of them off.');
      return quiet();
    }
    if (!hub.late || hub.passive) return;
    // Registered after analytics.js had loaded: its earlier events are not replayed, so the
    // visitor it already knows is told to Wootric as an identify would, ahead of the events
    // that came after the destination joined (waiting here unless the executor has them).
    const user = analytics.user?.();
    const id = user?.id?.();
    const traits = user?.traits?.() ?? {};
    if (!id && !Object.keys(traits).length) return;
    const item = { host: 'segment', event: { type: 'identify', userId: id,
      anonymousId: user.anonymousId(), traits, context: { page: {} }, integrations: {} } };
    if (hub.deliver) hub.deliver(item);
    else hub.events.unshift(item);
  }
  // </segment-decision.js>
  hub.decideSegment = decideSegment;
  decideSegment();

  const pageContext = capturePage; // a call's, captured when the call is made

  // <stored-identity.js>
  // Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
  // The identity analytics.js keeps in cookies and localStorage, read for the core and for
  // analytics.user() before Python answers (the executor writes it: identity-storage.js).
  function readCookies() {
    const found = {};
    let cookies = '';
    try {
      cookies = document.cookie;
    } catch {
      return found;
    }
    for (const part of cookies.split(';')) {
      const at = part.indexOf('=');
      const name = part.slice(0, at).trim();
      if (at < 0 || !STORED_KEYS.cookie.includes(name) || name in found) continue;
      const raw = part.slice(at + 1).trim();
      try {
        found[name] = decodeURIComponent(raw);
      } catch {
        found[name] = raw;
      }
    }
    return found;
  }

  /** The raw stored values; Python decides which one wins and how to read them. */
  function readStored() {
    const local = {};
    for (const key of STORED_KEYS.local) {
      try {
        const value = window.localStorage.getItem(key);
        if (value !== null) local[key] = value;
      } catch {
        break; // storage unavailable (private mode, blocked cookies)
      }
    }
    return { local, cookie: readCookies() };
  }

  /** The stored identity, for analytics.user() until Python reports one (its rules win then). */
  function storedIdentity() {
    const stored = readStored();
    const unquote = (raw) => {
      if (raw == null) return null;
      try {
        const value = JSON.parse(raw);
        return typeof value === 'string' || typeof value === 'number' ? String(value) : raw;
      } catch {
        return raw;
      }
    };
    let traits = {};
    try {
      traits = JSON.parse(stored.local.ajs_user_traits || '{}') || {};
    } catch {
      traits = {};
    }
    return {
      userId: unquote(stored.local.ajs_user_id ?? stored.cookie.ajs_user_id),
      anonymousId: unquote(stored.local.ajs_anonymous_id ?? stored.cookie.ajs_anonymous_id),
      traits,
    };
  }
  // </stored-identity.js>

  /** Every public method is wrapped: it never throws into the page. */
  function guarded(name, body, fallback) {
    return function (...args) {
      try {
        return body(...args);
      } catch (error) {
        console.error(PREFIX + `analytics.${name}() failed:`, error);
        return fallback();
      }
    };
  }

  // window.analytics: each method goes to the executor once it is here, and waits until then.

  // {name, args, page, at, resolve} per method call, in call order.
  const early = [];
  let nextKey = 0; // the next early call's key in the store of kept calls
  let executor = null; // the executor's methods, once it has taken over
  let stored = null; // storedIdentity(), read once, when analytics.user() first needs it

  const api = { initialized: true };

  /** A method call: to the executor, or kept until it arrives. Answers as the method does. */
  function dispatch(name, args, page) {
    if (executor) return executor[name](args, page);
    const entry = { name, args, page, at: Date.now(), resolve: null,
      key: page ? `t${nextKey++}` : null }; // calls are numbered as the loader numbers them
    early.push(entry);
    if (CHAINED_METHODS.includes(name)) return api;
    return new Promise((resolve) => (entry.resolve = resolve));
  }
  const method = (name) => guarded(name,
    (...args) => dispatch(name, args, CALL_METHODS.includes(name) ? pageContext() : null),
    () => (CHAINED_METHODS.includes(name) ? api : Promise.resolve()));

  for (const name of [...CALL_METHODS, ...CHAINED_METHODS]) api[name] = method(name);
  api.consent = { grant: method('consent.grant'), revoke: method('consent.revoke') };
  for (const name of NO_OP_METHODS) api[name] = () => Promise.resolve();

  // Resolved by the executor once the beacon has loaded or failed; at once without an executor.
  let markReady;
  const readyPromise = new Promise((resolve) => (markReady = resolve));
  api.ready = guarded('ready', (callback) => readyPromise.then(() => {
    if (typeof callback !== 'function') return;
    try {
      callback();
    } catch (error) {
      console.error(PREFIX + 'the callback given to analytics.ready() threw:', error);
    }
  }), () => readyPromise);

  /** analytics.user(): the identity Python last reported, or the stored one. */
  const known = () => executor?.identity() ?? (stored ??= storedIdentity());
  const userView = {
    id: guarded('user().id', () => known().userId, () => null),
    anonymousId: guarded('user().anonymousId', () => known().anonymousId, () => null),
    traits: guarded('user().traits', () => {
      const { traits } = known();
      return traits && typeof traits === 'object' ? JSON.parse(JSON.stringify(traits)) : {};
    }, () => ({})),
  };
  api.user = () => userView;
  Object.defineProperty(api, MARK, { value: true });
  // Beside a host library, window.analytics is the library's: wootric-web's own methods
  // (consent, debug, ready, on/once/off) are window.wootricWeb, which a page may have queued
  // calls in, as an array of [method, ...args].
  const queued = host === 'none' ? previous : window.wootricWeb;
  if (host === 'none') window.analytics = api;
  else {
    window.wootricWeb = { consent: api.consent, ready: api.ready };
    for (const name of CHAINED_METHODS) window.wootricWeb[name] = api[name];
    Object.defineProperty(window.wootricWeb, MARK, { value: true });
  }

  // <snippet-replay.js>
  // Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
  // A queue of calls left by the loader or Segment's snippet, replayed through the tag's methods.
  /**
   * The current Segment snippet appends a "buffered page context" ({__t: 'bpc', …}) to the
   * arguments of calls it queues; it is the context of the moment the call was made.
   */
  function takeBufferedPageContext(args) {
    const last = args[args.length - 1];
    if (!last || typeof last !== 'object' || last.__t !== 'bpc') return null;
    args.pop();
    return fromBufferedPage(last);
  }

  /** One entry of the snippet's queue, `[method, ...args]`, as if it were called now. */
  function replaySnippet(entry) {
    try {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') return;
      const [method, ...args] = entry;
      const page = CALL_METHODS.includes(method) ? takeBufferedPageContext(args) : null;
      const body = method.split('.').reduce((object, key) => object?.[key], api); // consent.grant
      let answer;
      if (page) answer = dispatch(method, args, page);
      else if (typeof body === 'function') answer = body(...args);
      entry.done?.(answer); // the loader's promise
    } catch (error) {
      console.error(PREFIX + 'a queued call could not be replayed:', error);
    }
  }

  // Segment's snippet queued calls as arrays: they come first, and pushes from a stale
  // reference to that queue keep arriving in order.
  if (Array.isArray(queued)) {
    for (const entry of queued.splice(0)) replaySnippet(entry);
    queued.push = (...entries) => {
      entries.forEach(replaySnippet);
      return 0;
    };
  }
  // </snippet-replay.js>

  // <kept-calls.js>
  // Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
  // Calls unhandled when the page goes away are kept for the next load, as analytics.js keeps
  // undelivered events: the executor keeps its own, this the early ones.
  //
  // A page that is only hidden (or put in the back/forward cache) may come back, and another tab
  // may have taken its calls meanwhile. So each stored call has a key of its own in its load,
  // and taking a call leaves a mark of it (under TAKEN_KEY): the load that stored it reads its
  // marks and drops those calls instead of applying them a second time. A mark outlives its
  // page by a day at most, as a stored call does.

  // Tells this load's entries from others'. The loader names them, and may have kept some.
  const LOAD_ID = handed?.load || Math.random().toString(36).slice(2);

  /**
   * The queues loaders left (left-queue.js), moved into the store as the tag keeps calls: keyed
   * as this tag keys the calls it replays from a loader's queue, so that a load that comes back
   * knows its own. Done first, before anything reads the store; again only as consent allows,
   * with the consent calls each queue holds counted in call order (choiceAfter).
   */
  function adoptLeftQueues() {
    let names = [];
    try {
      names = Object.keys(window.localStorage).filter((name) => name.startsWith(LEFT_QUEUE_KEY));
    } catch {
      return; // storage unavailable
    }
    const lefts = [];
    for (const name of names) {
      try {
        const left = JSON.parse(window.localStorage.getItem(name));
        window.localStorage.removeItem(name);
        if (typeof left?.load === 'string' && Array.isArray(left.calls)) lefts.push(left);
      } catch {
        // unreadable: it goes
      }
    }
    if (!lefts.length) return;
    lefts.sort((a, b) => (Number(a.at) || 0) - (Number(b.at) || 0));
    const stored = storedChoice();
    let choice = stored;
    let said = stored; // the visitor's last word on the pages before this one
    const adopted = [];
    for (const left of lefts) {
      const methods = left.calls.map((entry) => String(Array.isArray(entry) ? entry[0] : entry));
      choice = choiceAfter(choice, methods);
      // This load's own queue, back from the back/forward cache, is replayed here, consent and all.
      if (left.load !== LOAD_ID) said = choiceAfter(said, methods);
      if (!choiceAllows(choice)) continue;
      let key = 0;
      for (const entry of left.calls) {
        const method = Array.isArray(entry) ? entry[0] : entry;
        if (!CALL_METHODS.includes(method)) continue;
        key += 1; // numbered as replaySnippet's calls are, stored or not
        if (!Array.isArray(entry)) continue; // JSON could not carry it, or it was too old
        const args = entry.slice(1);
        const last = args[args.length - 1];
        const page = takeBufferedPageContext(args); // the moment of the call, as queued
        adopted.push({ load: left.load, key: `t${key - 1}`, at: Number(page ? last.at : left.at) ||
          Date.now(), method, args, page: page ?? fromBufferedPage(left.page ?? {}) });
      }
    }
    // A word the page that said it had no time to apply, applied before any of this page's calls.
    if (said !== stored) {
      early.unshift({ name: consentCall(said), args: [], page: null, at: Date.now(), resolve: null,
        key: null });
    }
    if (!adopted.length) return;
    const loads = new Set(adopted.map((entry) => entry.load));
    const { calls } = readStore();
    writeStore([...calls.filter((entry) => !loads.has(entry.load)), ...adopted], null);
  }
  adoptLeftQueues();
  // The store holds this load's calls (the loader kept them when the page was hidden): follow
  // them there until they are handled. Otherwise the store is left alone until the page hides.
  let pendingKept = handed?.kept === true && host === 'none';
  const takenElsewhere = new Set(); // keys of this load's calls that another load took
  const wasTaken = (key) => takenElsewhere.has(key);

  /**
   * Stores this load's unhandled calls, `mine`, in place of those it stored before, and learns
   * which of them another load has taken since: this load must not apply those (wasTaken).
   * `sending`: keys about to go to Python, which leave the store as this load takes them back.
   */
  function keepPending(mine, sending = []) {
    const { calls, marks } = readStore();
    const othersMarks = marks.filter((mark) => mark.load !== LOAD_ID);
    for (const mark of marks) if (mark.load === LOAD_ID) takenElsewhere.add(mark.key);
    const back = new Set(sending);
    const kept = mine.filter((entry) => !takenElsewhere.has(entry.key) && !back.has(entry.key));
    pendingKept = kept.length > 0;
    // This load's marks are read now, so they can go; the marks are rewritten only then.
    writeStore([...calls.filter((entry) => entry.load !== LOAD_ID), ...kept],
      othersMarks.length < marks.length ? othersMarks : null);
  }

  /**
   * The calls earlier page loads (or other tabs) left, once: each leaves a taken mark in the
   * store as it is read. This load's own calls stay until the executor replaces them.
   */
  function takePending() {
    const { calls, marks } = readStore();
    const others = calls.filter((entry) => entry.load !== LOAD_ID);
    if (!others.length) return []; // nothing to take: the store stays as it is
    const taken = others.map(({ load, key, at }) => ({ load, key, at }));
    writeStore(calls.filter((entry) => entry.load === LOAD_ID), [...marks, ...taken]);
    return others;
  }

  /** May calls be stored? The core's consent rule (wootric_web/session.py), before it answers. */
  function consentGiven(stored) {
    return choiceAllows(stored.local[CORE_RULES.consentKey] ?? null);
  }

  /** consentGiven for a choice ("granted", "revoked" or null) under this tag's data-consent. */
  function choiceAllows(choice) {
    return consentAllows(choice, script?.getAttribute('data-consent') ?? null);
  }

  /** The visitor's stored choice ("granted", "revoked" or null). */
  function storedChoice() {
    return readStored().local[CORE_RULES.consentKey] ?? null;
  }

  /** The consent call that makes `choice`. */
  function consentCall(choice) {
    return choice === 'granted' ? 'consent.grant' : 'consent.revoke';
  }

  /**
   * The page is going away before the executor has arrived: its calls are kept as the executor
   * keeps them (Date and function markers); one JSON cannot carry is lost with the page.
   */
  function keepEarlyCalls() {
    if (executor) return;
    const stored = storedChoice();
    const choice = choiceAfter(stored, early.map((entry) => entry.name));
    // The visitor's word on this page, not yet applied, is left for the next as a loader leaves
    // its queue: the consent call's name, nothing else.
    if (choice !== stored) leaveWord(choice);
    if (!choiceAllows(choice)) return;
    const mine = [];
    for (const { name, args, page, at, key } of early) {
      const copy = CALL_METHODS.includes(name) ? storedCopy(args) : null;
      if (copy) mine.push({ load: LOAD_ID, key, at, method: name, args: copy, page });
    }
    if (mine.length || pendingKept) keepPending(mine);
  }

  /** A left queue (left-queue.js) holding only the consent call that makes `choice`. */
  function leaveWord(choice) {
    try {
      window.localStorage.setItem(LEFT_QUEUE_KEY + LOAD_ID, JSON.stringify({ load: LOAD_ID,
        at: Date.now(), calls: [consentCall(choice)] }));
      wordLeft = true;
    } catch {
      // storage unavailable or full: the word goes with the page
    }
  }
  let wordLeft = false;

  /**
   * The page came back and its executor now applies the word itself: left, it would overrule
   * whatever the visitor says next on this page, on the next.
   */
  function takeWordBack() {
    if (!wordLeft) return;
    wordLeft = false;
    try {
      window.localStorage.removeItem(LEFT_QUEUE_KEY + LOAD_ID);
    } catch {
      // storage unavailable: nothing was left there either
    }
  }
  // pagehide is a page's last reliable event; a hidden page may be discarded unseen.
  window.addEventListener('pagehide', keepEarlyCalls);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') keepEarlyCalls();
  });
  // </kept-calls.js>

  // The executor comes once the page has loaded: a script added before would hold `load` up.

  /** Called by the executor with its methods: every waiting call is handed over, in order. */
  function takeOver(methods) {
    executor = methods;
    takeWordBack(); // the executor applies this page's consent calls (see keepEarlyCalls)
    for (const { name, args, page, resolve, key } of early.splice(0)) {
      try {
        const answer = executor[name](args, page, key);
        resolve?.(answer);
      } catch (error) {
        console.error(PREFIX + `analytics.${name}() failed:`, error);
        resolve?.();
      }
    }
  }

  /** Without an executor nothing can apply a call: say so, and leave no caller waiting. */
  function executorMissing(url) {
    const code = 'executor-load-failed';
    const message = `The rest of wootric-web could not be loaded from ${url}; no survey can show.`;
    console.error(PREFIX + message + ` (${code})`);
    window.dispatchEvent(new CustomEvent('wootric-web:error', { detail: { code, message } }));
    const inert = { identity: () => null };
    for (const name of [...CALL_METHODS, 'consent.grant', 'consent.revoke']) {
      inert[name] = () => Promise.resolve();
    }
    for (const name of CHAINED_METHODS) inert[name] = () => api;
    takeOver(inert);
    markReady();
  }

  function addExecutor() {
    const url = new URL('wootric-web-executor.js', script?.src || document.baseURI).href;
    const element = document.createElement('script');
    element.src = url;
    element.async = true;
    if (script?.nonce) element.nonce = script.nonce; // a page's nonce policy admits it too
    // The executor finds what it takes over on the element that loads it.
    element.wootricWeb = { version: HANDOFF_VERSION, api, script, CALL_METHODS, pageContext,
      readStored, consentGiven, loadId: LOAD_ID, host, hub, pendingKept: () => pendingKept, keepPending,
      takePending, wasTaken, leaveWord, takeWordBack, markReady, takeOver,
      fail: () => executorMissing(url) };
    element.addEventListener('error', () => executorMissing(url));
    (document.head || document.documentElement).appendChild(element);
  }

  // A request that never ends (a stalled image, a stream) would hold the calls back for good.
  let loadWait;
  function addExecutorOnce() {
    clearTimeout(loadWait);
    window.removeEventListener('load', addExecutorOnce);
    addExecutor();
  }
  if (document.readyState === 'complete' || handed) addExecutor(); // the page has loaded
  else {
    window.addEventListener('load', addExecutorOnce);
    loadWait = setTimeout(addExecutorOnce, LOAD_WAIT_MS);
  }
})();
