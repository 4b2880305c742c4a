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
