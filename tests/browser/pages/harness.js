// Shared by the test pages: loaded first, before the tag.
//   within(promise, ms)  the promise, or a rejection naming what timed out (no test hangs forever)
//   harnessEvents        the wootric-web:* events the page has seen, in order
//   windowNamesBefore    window's own property names before the tag ran (this one included)
window.harnessEvents = [];
for (const type of ['wootric-web:ready', 'wootric-web:error']) {
  window.addEventListener(type, (event) => harnessEvents.push({ type, detail: event.detail ?? null }));
}
window.within = (promise, ms = 30000, what = 'the promise') => Promise.race([
  promise,
  new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  }),
]);
// The wootric-web:* event of that type, as soon as it has happened.
window.nextEvent = (type) => {
  const seen = harnessEvents.find((event) => event.type === type);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    window.addEventListener(type, (event) => resolve({ type, detail: event.detail ?? null }),
      { once: true });
  });
};
// Runs makeCalls() (which returns a promise or a list of them), waits for them, and reports what
// the beacon saw meanwhile: {commands: [names], atCommands: [settings at each], settings: now}.
window.observe = async (makeCalls) => {
  const record = () => (window.wootricPreview ? wootricPreview.commands : []);
  const before = record().length;
  await within(Promise.all([].concat(makeCalls())), 30000, 'the calls');
  const seen = record().slice(before);
  return {
    commands: seen.map((entry) => entry.command),
    atCommands: seen.map((entry) => entry.settings),
    settings: JSON.parse(JSON.stringify(window.wootricSettings ?? null)),
  };
};

// Steps of analytics calls, made by the tests' reference model (tests/browser/reference.py):
// {id, method, args, await, callback} makes one call ({"$date": ms} in args becomes a Date; with
// `callback`, a callback that records the step's id in `calledBack`), {tick: true} lets a task
// pass. Resolves once every call has; before the tag, the calls only queue.
window.calledBack = [];
const revive = (value) => {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  if ('$date' in value) return new Date(value.$date);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
};
window.runSteps = async (steps) => {
  const unawaited = [];
  for (const step of steps) {
    if (step.tick) {
      await new Promise((resolve) => setTimeout(resolve));
      continue;
    }
    const args = revive(step.args);
    if (step.callback) args.push(() => calledBack.push(step.id));
    const result = analytics[step.method](...args);
    if (step.await) await within(result, 30000, `analytics.${step.method}()`);
    else unawaited.push(result);
  }
  await within(Promise.all(unawaited), 30000, 'the calls');
};
// The methods of the calls the tag keeps for the site's next page load, once the page is left.
window.keptCalls = () => {
  dispatchEvent(new Event('pagehide'));
  return JSON.parse(localStorage.getItem('wootric_web_pending') || '[]').map((call) => call.method);
};
// The Segment snippet's stub, in its classic form: calls queue as [method, ...args].
window.installSnippet = () => {
  const queue = (window.analytics = []);
  for (const method of ['identify', 'track', 'page', 'group', 'alias', 'screen', 'reset',
    'setAnonymousId', 'ready']) {
    queue[method] = (...args) => {
      queue.push([method, ...args]);
      return queue;
    };
  }
};

window.windowNamesBefore = [...Object.getOwnPropertyNames(window), 'windowNamesBefore'];
