// wootric-web's loader: keeps the page's calls until the page has loaded, then adds the tag.
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

  const joinHost = (hub, rudderstackDestination) => {
    const events = (hub.events ??= []);
    const keep = (host, event) => {
      if (event && hub.passive !== true) (hub.deliver ?? ((item) => events.push(item)))({ host, event });
    };
    const segment = window.analytics;
    if (!hub.segment && segment && !segment.__wootricWeb) {
      const plugin = {
        name: 'Wootric', type: 'destination', version: '1', isLoaded: () => true,
        load: (ctx, analytics) => {
          hub.segmentAnalytics = analytics;
          // Segment's own Wootric destination is on for this source: one of the two must be quiet.
          const classic = analytics?.settings?.cdnSettings?.integrations?.Wootric;
          const chosen = analytics?.options?.integrations ?? {};
          // Load options' integrations decide which destinations load at all, as for Segment's own.
          const wanted = chosen.Wootric ?? chosen.All ?? true;
          if (wanted === false) hub.passive = true;
          else if (classic) {
            hub.passive = true;
            console.warn("[wootric-web] Segment's own Wootric destination is on for this source; " +
              'it drives the survey and wootric-web stays out of it. Turn one of them off.');
          } else if (hub.late) {
            // Registered after analytics.js had loaded: its earlier events are not replayed, so the
            // visitor it already knows is told to Wootric as an identify would.
            const user = analytics.user?.();
            const id = user?.id?.();
            const traits = user?.traits?.() ?? {};
            if (id || Object.keys(traits).length) {
              keep('segment', { type: 'identify', userId: id, anonymousId: user.anonymousId(),
                traits, context: { page: {} }, integrations: {} });
            }
          }
          return Promise.resolve();
        },
      };
      const hook = (ctx) => {
        keep('segment', ctx?.event);
        return ctx;
      };
      for (const method of ['identify', 'track', 'page', 'group']) plugin[method] = hook;
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
    if (!hub.rudderstack && rudderstackDestination) {
      // The v3 loading snippet adopts an array it finds here; a loaded SDK takes no integration.
      const rudder = (window.rudderanalytics ??= []);
      if (Array.isArray(rudder)) {
        hub.rudderstack = 'queued';
        const integration = { isReady: () => true };
        for (const method of ['identify', 'track', 'page', 'group']) {
          integration[method] = (analytics, logger, event) => keep('rudderstack', event?.message);
        }
        rudder.push(['addCustomIntegration', rudderstackDestination, integration]);
      } else {
        hub.rudderstack = 'too-late';
      }
    }
    return hub;
  };
  // </join-host.js>
  // An analytics library on the page already (Segment's, or RudderStack's with a destination id
  // for wootric-web) gets wootric-web as its destination, and keeps window.analytics to itself.
  // Our own queue first, where there is none: a Segment snippet that comes after adopts it, with
  // the destination queued in it.
  const queue = (window.analytics ??= []);
  const hub = joinHost({}, document.currentScript?.getAttribute('data-rudderstack-destination'));
  // Names this page load's calls in storage, should they have to be kept there for the next.
  const load = Math.random().toString(36).slice(2);
  const own = !isSegmentSnippet(queue);
  if (own) queue.wootricWebLoad = load;
  // The loader's script element, looked up only when needed: the first element a page's scripts
  // touch costs a wrapper, which would delay its `load`.
  const element = () => document.querySelector('script[data-src][data-account-token]');
  const CALLS = ['identify', 'track', 'page', 'group', 'alias', 'screen', 'reset',
    'setAnonymousId'];
  const CHAINED = ['on', 'once', 'off', 'debug'];
  const OTHERS = ['ready', 'consent.grant', 'consent.revoke', 'trackSubmit', 'trackClick',
    'trackLink', 'trackForm', 'pageview', 'addSourceMiddleware', 'addIntegrationMiddleware',
    'addDestinationMiddleware', 'register'];

  // The page as it is when a call is made, in the form Segment's snippet queues it.
  const pageNow = () => ({
    __t: 'bpc', at: Date.now(), u: location.href, p: location.pathname, s: location.search,
    r: document.referrer, t: document.title,
    c: document.querySelector("link[rel='canonical']")?.getAttribute('href') ?? null,
  });
  // A queued call answers as the tag's does: calls with a promise settled once applied.
  const stub = (method) => (...args) => {
    const entry = [method].concat(args);
    if (CALLS.includes(method)) entry.push(pageNow());
    const answer = new Promise((resolve) => (entry.done = resolve)); // the tag settles it
    queue.push(entry);
    return CHAINED.includes(method) ? queue : answer;
  };
  // What runs now delays the page's `load`, so it keeps to plain loops: a page's first spread,
  // destructuring or for-of costs it about 0.3 ms.
  const methods = own ? CALLS.concat(CHAINED, OTHERS) : [];
  for (let i = 0; i < methods.length; i += 1) {
    const method = methods[i];
    const dot = method.indexOf('.'); // 'consent.grant' is analytics.consent.grant
    const target = dot < 0 ? queue : (queue[method.slice(0, dot)] ??= {});
    target[method.slice(dot + 1)] ??= stub(method);
  }

  // A page left before it has loaded keeps its calls where the tag keeps them, for the next.
  const keep = () => {
    // The tag has them and keeps them itself, or Segment's snippet has adopted the queue.
    if (window.analytics !== queue || !own || isSegmentSnippet(queue)) return;
    try {
      const choice = localStorage.getItem('wootric_web_consent');
      const required = ![null, 'false'].includes(element()?.getAttribute('data-consent') ?? null);
      if (choice === 'revoked' || (required && choice !== 'granted')) return;
      const mine = [];
      let key = 0; // numbered as the tag numbers the calls it takes from this queue
      for (const [method, ...args] of queue) {
        const page = args.at(-1)?.__t === 'bpc' ? args.pop() : pageNow();
        if (!CALLS.includes(method)) continue;
        key += 1;
        const context = { href: page.u, pathname: page.p, search: page.s, referrer: page.r,
          title: page.t, canonical: page.c };
        try {
          const copy = JSON.parse(JSON.stringify(args));
          mine.push({ load, key: `t${key - 1}`, at: page.at ?? Date.now(), method, args: copy,
            page: context });
        } catch {
          // a value that contains itself, say: that call goes with the page
        }
      }
      if (!mine.length) return;
      let stored = [];
      try {
        stored = JSON.parse(localStorage.getItem('wootric_web_pending')) || [];
      } catch {
        // an unreadable store gives way to these calls
      }
      const others = Array.isArray(stored) ? stored.filter((entry) => entry?.load !== load) : [];
      localStorage.setItem('wootric_web_pending', JSON.stringify([...others, ...mine].slice(-100)));
      hub.kept = true; // the tag follows these with the calls' outcomes
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
