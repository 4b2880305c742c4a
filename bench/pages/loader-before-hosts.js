// The loader as sites pasted it before it joined host libraries (commit 6c17e3b), kept so that
// `make bench` times its run beside today's loader's in the same run (R0 beside R).
// wootric-web's loader: keeps the page's calls until the page has loaded, then adds the tag.
(() => {
  const queue = (window.analytics ??= []);
  if (!Array.isArray(queue) || queue.wootricWebLoad) {
    console.error('[wootric-web] window.analytics is taken already; the loader does nothing.');
    return;
  }
  // Names this page load's calls in storage, should they have to be kept there for the next.
  const load = (queue.wootricWebLoad = Math.random().toString(36).slice(2));
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
  // destructuring or for-of costs it about 0.3 ms, a third of the loader's whole run.
  const methods = CALLS.concat(CHAINED, OTHERS);
  for (let i = 0; i < methods.length; i += 1) {
    const method = methods[i];
    const dot = method.indexOf('.'); // 'consent.grant' is analytics.consent.grant
    const target = dot < 0 ? queue : (queue[method.slice(0, dot)] ??= {});
    target[method.slice(dot + 1)] ??= stub(method);
  }

  // A page left before it has loaded keeps its calls where the tag keeps them, for the next.
  const keep = () => {
    if (window.analytics !== queue) return; // the tag has them, and keeps them itself
    try {
      const choice = localStorage.getItem('wootric_web_consent');
      const required = ![null, 'false'].includes(element()?.getAttribute('data-consent') ?? null);
      if (choice === 'revoked' || (required && choice !== 'granted')) return;
      const mine = [];
      for (const [method, ...args] of queue) {
        const page = args.at(-1)?.__t === 'bpc' ? args.pop() : pageNow();
        if (!CALLS.includes(method)) continue;
        const context = { href: page.u, pathname: page.p, search: page.s, referrer: page.r,
          title: page.t, canonical: page.c };
        try {
          const copy = JSON.parse(JSON.stringify(args));
          mine.push({ load, at: page.at ?? Date.now(), method, args: copy, page: context });
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
