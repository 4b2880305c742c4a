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

window.windowNamesBefore = [...Object.getOwnPropertyNames(window), 'windowNamesBefore'];
