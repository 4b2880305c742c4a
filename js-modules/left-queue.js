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
