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
