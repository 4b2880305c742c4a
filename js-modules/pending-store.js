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
