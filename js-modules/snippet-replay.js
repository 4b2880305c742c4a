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
