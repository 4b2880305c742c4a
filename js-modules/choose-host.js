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
