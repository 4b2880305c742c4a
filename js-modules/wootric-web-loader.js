//! wootric-web's loader: keeps the page's calls until the page has loaded, then adds the tag.
// This is its source; `make build` minifies it into static/wootric-web-loader.js, which a page
// pastes inline (README.md gives it, with its hash for a Content Security Policy).
(() => {
  if (window.analytics?.wootricWebLoad || window.analytics?.__wootricWeb) {
    console.error('[wootric-web] The loader is on this page twice; the second does nothing.');
    return;
  }
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
  // <core-rules.js>
  // The core's rules that the JavaScript applies too, as wootric_web/shared_rules.py
  // gives them. Written by `make build` (tools/assemble_js.py): change them there.
  // Each file that copies it gets only the rules it reads.
  const CORE_RULES = Object.freeze({
    consentKey: "wootric_web_consent",
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
  // An analytics library on the page already (Segment's, or RudderStack's with a destination id
  // for wootric-web) gets wootric-web as its destination, and keeps window.analytics to itself.
  // Our own queue first, where there is none: a Segment snippet that comes after adopts it, with
  // the destination queued in it.
  const queue = (window.analytics ??= []);
  // The destination id is read only if RudderStack is on the page (see joinHost): by then the
  // loader's script is no longer the current one, and is found by its attribute.
  const hub = joinHost({}, () => document.querySelector('script[data-rudderstack-destination]')
    ?.getAttribute('data-rudderstack-destination'));
  // Names this page load's calls in storage, should they have to be kept there for the next.
  const load = Math.random().toString(36).slice(2);
  // Anything else there (a loaded analytics.js, say) is not ours to add methods to or keep.
  const own = Array.isArray(queue) && !isSegmentSnippet(queue);
  if (own) queue.wootricWebLoad = load;
  // The loader's script element, looked up only when needed: the first element a page's scripts
  // touch costs a wrapper, which would delay its `load`.
  const element = () => document.querySelector('script[data-src][data-account-token]');
  // The page as it is when a call is made, in the form Segment's snippet queues it.
  const pageNow = () => bufferedPage(capturePage(), Date.now());
  // A queued call answers as the tag's does: calls with a promise settled once applied.
  const stub = (method) => (...args) => {
    const entry = [method].concat(args);
    if (CALL_METHODS.includes(method)) entry.push(pageNow());
    const answer = new Promise((resolve) => (entry.done = resolve)); // the tag settles it
    queue.push(entry);
    return CHAINED_METHODS.includes(method) ? queue : answer;
  };
  // What runs now delays the page's `load`, so it keeps to plain loops: a page's first spread,
  // destructuring or for-of costs it about 0.3 ms.
  const methods = own ? CALL_METHODS.concat(CHAINED_METHODS,
    ['ready', 'consent.grant', 'consent.revoke'], NO_OP_METHODS) : [];
  for (let i = 0; i < methods.length; i += 1) {
    const method = methods[i];
    const dot = method.indexOf('.'); // 'consent.grant' is analytics.consent.grant
    const target = dot < 0 ? queue : (queue[method.slice(0, dot)] ??= {});
    target[method.slice(dot + 1)] ??= stub(method);
  }

  // A page left before it has loaded leaves its queue for the next (left-queue.js), which the tag
  // reads once it has loaded: what runs here, at `pagehide`, keeps to one write.
  const keep = () => {
    // The tag has the calls and keeps them itself, or Segment's snippet has adopted the queue.
    if (window.analytics !== queue || !own || isSegmentSnippet(queue)) return;
    try {
      const stored = localStorage.getItem(CORE_RULES.consentKey);
      const methods = queue.map((entry) => String(entry?.[0]));
      // A grant in the queue lets its calls be kept; a revoke keeps none, and is itself kept.
      const choice = choiceAfter(stored, methods);
      const allowed = consentAllows(choice, element()?.getAttribute('data-consent') ?? null);
      if (!allowed && choice === stored) return; // nothing to keep, and nothing new said
      // Without consent only the method names go, which say nothing of the visitor.
      const oldest = allowed ? queue.length - PENDING_MAX_CALLS : Infinity;
      const calls = queue.map((entry, index) => (index >= oldest && storedCopy(entry)) ||
        methods[index]);
      localStorage.setItem(LEFT_QUEUE_KEY + load, JSON.stringify({ load, at: Date.now(),
        page: pageNow(), calls }));
      hub.kept ||= allowed; // the tag follows these with the calls' outcomes
    } catch {
      // storage unavailable or full: the calls go with the page
    }
  };
  addEventListener('pagehide', keep);
  addEventListener('visibilitychange', () => document.hidden && keep()); // bubbles to window

  // Without the tag no call can be applied: say so, and leave no caller waiting.
  const tagMissing = (why) => {
    const code = 'tag-load-failed';
    const message = `The tag could not be loaded: ${why}; no survey can show.`;
    console.error(`[wootric-web] ${message} (${code})`);
    dispatchEvent(new CustomEvent('wootric-web:error', { detail: { code, message } }));
    if (!own) return;
    queue.push = (...entries) => {
      for (const entry of entries) {
        if (entry?.[0] === 'ready' && typeof entry[1] === 'function') setTimeout(entry[1]);
        entry?.done?.();
      }
      return queue.length;
    };
    queue.push(...queue.splice(0));
  };

  // The tag, with the loader's data- attributes; `load` may never come (a stalled request).
  let wait;
  const addTag = () => {
    clearTimeout(wait);
    removeEventListener('load', addTag);
    const loader = element();
    if (!loader) return tagMissing('its script element needs data-src and data-account-token');
    const tag = document.createElement('script');
    for (const { name, value } of loader.attributes) {
      if (name.startsWith('data-') && name !== 'data-src') tag.setAttribute(name, value);
    }
    tag.src = loader.dataset.src;
    tag.nonce = loader.nonce;
    tag.wootricWebHub = hub; // what the loader joined, and this page load's name
    hub.load = load;
    tag.addEventListener('error', () => tagMissing(`${tag.src} did not load`));
    (document.head || document.documentElement).append(tag);
  };
  // Added to a page that has loaded already (by a tag manager, say): no `load` is coming.
  if (document.readyState === 'complete') addTag();
  else {
    addEventListener('load', addTag);
    wait = setTimeout(addTag, 10000);
  }
})();
