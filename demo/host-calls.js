// The buttons of demo/segment.html and demo/rudderstack.html: each form makes one call to the
// page's analytics library (window[data-library]: analytics or rudderanalytics), as a site would;
// the preview beacon's panel shows what wootric-web made of it.

const library = document.currentScript.dataset.library;

const status = document.getElementById('status');
const log = document.getElementById('log');

const setStatus = (state, text) => {
  status.dataset.state = state;
  status.textContent = text;
};

// What each form calls, with the form's values: the argument forms both libraries take.
const CALLS = {
  identify: (f) => ['identify', f.userId, {
    email: f.email,
    createdAt: f.createdAt, // an ISO date: created_at in seconds
    plan: f.plan,
  }],
  track: (f) => ['track', f.event, { total_amount: Number(f.total) },
    f.off ? { integrations: { Wootric: false } } : {}],
  page: (f) => ['page', f.category, f.name],
  group: (f) => ['group', f.groupId, { name: f.name }],
  reset: () => ['reset'],
};

for (const form of document.querySelectorAll('form[data-call]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [method, ...args] = CALLS[form.dataset.call](Object.fromEntries(new FormData(form)));
    window[library][method](...args);
    const item = document.createElement('li');
    item.textContent = `${library}.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
    log.append(item);
  });
}

window.addEventListener('wootric-web:error', ({ detail }) => {
  setStatus('error', `wootric-web: ${detail.message}`);
});
// wootric-web's own methods are window.wootricWeb beside a host library, an array until its tag
// runs.
const whenReady = () => {
  if (status.dataset.state !== 'error') setStatus('ready', `Ready: ${library} and the beacon.`);
};
if (Array.isArray(window.wootricWeb ??= [])) window.wootricWeb.push(['ready', whenReady]);
else window.wootricWeb.ready(whenReady);
