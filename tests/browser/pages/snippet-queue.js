// The page's own code before wootric-web (snippet.html, loader.html): the current Segment
// snippet's stub, and calls queued in it.

// A key the page sets itself; wootric-web must keep it.
window.wootricSettings = { product_name: 'Snippet Shop' };

// The current Segment snippet's stub: calls queue as [method, ...args], and the calls that
// carry a page context get a "buffered page context" ({__t: 'bpc', …}) of that moment.
(() => {
  const analytics = (window.analytics = window.analytics || []);
  if (analytics.invoked) return;
  analytics.invoked = true;
  analytics.methods = ['trackSubmit', 'trackClick', 'trackLink', 'trackForm', 'pageview',
    'identify', 'reset', 'group', 'track', 'ready', 'alias', 'debug', 'page', 'screen', 'once',
    'off', 'on', 'addSourceMiddleware', 'addIntegrationMiddleware', 'setAnonymousId',
    'addDestinationMiddleware', 'register'];
  analytics.factory = (method) => (...args) => {
    if (window.analytics.initialized) return window.analytics[method](...args);
    if (['track', 'screen', 'alias', 'group', 'page', 'identify'].includes(method)) {
      const canonical = document.querySelector("link[rel='canonical']");
      args.push({
        __t: 'bpc', c: (canonical && canonical.getAttribute('href')) || undefined,
        p: location.pathname, u: location.href, s: location.search, t: document.title,
        r: document.referrer,
      });
    }
    analytics.push([method, ...args]);
    return analytics;
  };
  for (const method of analytics.methods) analytics[method] = analytics.factory(method);
})();

// Queued before the library exists, in this order.
window.queuedReady = new Promise((resolve) => analytics.ready(resolve));
analytics.page('Landing');
analytics.identify('queued-user', { email: 'queued@example.com', plan: 'pro' });
analytics.page('Queued');
analytics.track('Queued Event', { step: 1 });

// The page moves on before the library has loaded: the queued calls keep their own context.
history.replaceState(null, '', location.pathname + '?later=1');
document.title = 'Snippet page, later';
