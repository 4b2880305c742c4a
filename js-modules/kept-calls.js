// Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
// Calls unhandled when the page goes away are kept for the next load, as analytics.js keeps
// undelivered events: the executor keeps its own, this the early ones.
//
// A page that is only hidden (or put in the back/forward cache) may come back, and another tab
// may have taken its calls meanwhile. So each stored call has a key of its own in its load,
// and taking a call leaves a mark of it (under TAKEN_KEY): the load that stored it reads its
// marks and drops those calls instead of applying them a second time. A mark outlives its
// page by a day at most, as a stored call does.

// Tells this load's entries from others'. The loader names them, and may have kept some.
const LOAD_ID = handed?.load || Math.random().toString(36).slice(2);

/**
 * The queues loaders left (left-queue.js), moved into the store as the tag keeps calls: keyed
 * as this tag keys the calls it replays from a loader's queue, so that a load that comes back
 * knows its own. Done first, before anything reads the store; again only as consent allows,
 * with the consent calls each queue holds counted in call order (choiceAfter).
 */
function adoptLeftQueues() {
  let names = [];
  try {
    names = Object.keys(window.localStorage).filter((name) => name.startsWith(LEFT_QUEUE_KEY));
  } catch {
    return; // storage unavailable
  }
  const lefts = [];
  for (const name of names) {
    try {
      const left = JSON.parse(window.localStorage.getItem(name));
      window.localStorage.removeItem(name);
      if (typeof left?.load === 'string' && Array.isArray(left.calls)) lefts.push(left);
    } catch {
      // unreadable: it goes
    }
  }
  if (!lefts.length) return;
  lefts.sort((a, b) => (Number(a.at) || 0) - (Number(b.at) || 0));
  const stored = storedChoice();
  let choice = stored;
  let said = stored; // the visitor's last word on the pages before this one
  const adopted = [];
  for (const left of lefts) {
    const methods = left.calls.map((entry) => String(Array.isArray(entry) ? entry[0] : entry));
    choice = choiceAfter(choice, methods);
    // This load's own queue, back from the back/forward cache, is replayed here, consent and all.
    if (left.load !== LOAD_ID) said = choiceAfter(said, methods);
    if (!choiceAllows(choice)) continue;
    let key = 0;
    for (const entry of left.calls) {
      const method = Array.isArray(entry) ? entry[0] : entry;
      if (!CALL_METHODS.includes(method)) continue;
      key += 1; // numbered as replaySnippet's calls are, stored or not
      if (!Array.isArray(entry)) continue; // JSON could not carry it, or it was too old
      const args = entry.slice(1);
      const last = args[args.length - 1];
      const page = takeBufferedPageContext(args); // the moment of the call, as queued
      adopted.push({ load: left.load, key: `t${key - 1}`, at: Number(page ? last.at : left.at) ||
        Date.now(), method, args, page: page ?? fromBufferedPage(left.page ?? {}) });
    }
  }
  // A word the page that said it had no time to apply, applied before any of this page's calls.
  if (said !== stored) {
    early.unshift({ name: consentCall(said), args: [], page: null, at: Date.now(), resolve: null,
      key: null });
  }
  if (!adopted.length) return;
  const loads = new Set(adopted.map((entry) => entry.load));
  const { calls } = readStore();
  writeStore([...calls.filter((entry) => !loads.has(entry.load)), ...adopted], null);
}
adoptLeftQueues();
// The store holds this load's calls (the loader kept them when the page was hidden): follow
// them there until they are handled. Otherwise the store is left alone until the page hides.
let pendingKept = handed?.kept === true && host === 'none';
const takenElsewhere = new Set(); // keys of this load's calls that another load took
const wasTaken = (key) => takenElsewhere.has(key);

/**
 * Stores this load's unhandled calls, `mine`, in place of those it stored before, and learns
 * which of them another load has taken since: this load must not apply those (wasTaken).
 * `sending`: keys about to go to Python, which leave the store as this load takes them back.
 */
function keepPending(mine, sending = []) {
  const { calls, marks } = readStore();
  const othersMarks = marks.filter((mark) => mark.load !== LOAD_ID);
  for (const mark of marks) if (mark.load === LOAD_ID) takenElsewhere.add(mark.key);
  const back = new Set(sending);
  const kept = mine.filter((entry) => !takenElsewhere.has(entry.key) && !back.has(entry.key));
  pendingKept = kept.length > 0;
  // This load's marks are read now, so they can go; the marks are rewritten only then.
  writeStore([...calls.filter((entry) => entry.load !== LOAD_ID), ...kept],
    othersMarks.length < marks.length ? othersMarks : null);
}

/**
 * The calls earlier page loads (or other tabs) left, once: each leaves a taken mark in the
 * store as it is read. This load's own calls stay until the executor replaces them.
 */
function takePending() {
  const { calls, marks } = readStore();
  const others = calls.filter((entry) => entry.load !== LOAD_ID);
  if (!others.length) return []; // nothing to take: the store stays as it is
  const taken = others.map(({ load, key, at }) => ({ load, key, at }));
  writeStore(calls.filter((entry) => entry.load === LOAD_ID), [...marks, ...taken]);
  return others;
}

/** May calls be stored? The core's consent rule (wootric_web/session.py), before it answers. */
function consentGiven(stored) {
  return choiceAllows(stored.local[CORE_RULES.consentKey] ?? null);
}

/** consentGiven for a choice ("granted", "revoked" or null) under this tag's data-consent. */
function choiceAllows(choice) {
  return consentAllows(choice, script?.getAttribute('data-consent') ?? null);
}

/** The visitor's stored choice ("granted", "revoked" or null). */
function storedChoice() {
  return readStored().local[CORE_RULES.consentKey] ?? null;
}

/** The consent call that makes `choice`. */
function consentCall(choice) {
  return choice === 'granted' ? 'consent.grant' : 'consent.revoke';
}

/**
 * The page is going away before the executor has arrived: its calls are kept as the executor
 * keeps them (Date and function markers); one JSON cannot carry is lost with the page.
 */
function keepEarlyCalls() {
  if (executor) return;
  const stored = storedChoice();
  const choice = choiceAfter(stored, early.map((entry) => entry.name));
  // The visitor's word on this page, not yet applied, is left for the next as a loader leaves
  // its queue: the consent call's name, nothing else.
  if (choice !== stored) leaveWord(choice);
  if (!choiceAllows(choice)) return;
  const mine = [];
  for (const { name, args, page, at, key } of early) {
    const copy = CALL_METHODS.includes(name) ? storedCopy(args) : null;
    if (copy) mine.push({ load: LOAD_ID, key, at, method: name, args: copy, page });
  }
  if (mine.length || pendingKept) keepPending(mine);
}

/** A left queue (left-queue.js) holding only the consent call that makes `choice`. */
function leaveWord(choice) {
  try {
    window.localStorage.setItem(LEFT_QUEUE_KEY + LOAD_ID, JSON.stringify({ load: LOAD_ID,
      at: Date.now(), calls: [consentCall(choice)] }));
    wordLeft = true;
  } catch {
    // storage unavailable or full: the word goes with the page
  }
}
let wordLeft = false;

/**
 * The page came back and its executor now applies the word itself: left, it would overrule
 * whatever the visitor says next on this page, on the next.
 */
function takeWordBack() {
  if (!wordLeft) return;
  wordLeft = false;
  try {
    window.localStorage.removeItem(LEFT_QUEUE_KEY + LOAD_ID);
  } catch {
    // storage unavailable: nothing was left there either
  }
}
// pagehide is a page's last reliable event; a hidden page may be discarded unseen.
window.addEventListener('pagehide', keepEarlyCalls);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') keepEarlyCalls();
});
