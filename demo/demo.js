// The demo's buttons: each form makes one analytics call, and the page shows
// window.wootricSettings once that call's promise has resolved (its changes are then applied).

const status = document.getElementById('status');
const settingsView = document.getElementById('settings');
const userView = document.getElementById('user');
const log = document.getElementById('log');

const setStatus = (state, text) => {
  status.dataset.state = state;
  status.textContent = text;
};

function render() {
  settingsView.textContent = window.wootricSettings
    ? JSON.stringify(window.wootricSettings, null, 2)
    : '(not set yet)';
  const user = typeof window.analytics.user === 'function' ? window.analytics.user() : null;
  userView.textContent = user
    ? JSON.stringify({ id: user.id(), anonymousId: user.anonymousId(), traits: user.traits() }, null, 2)
    : '(wootric-web has not loaded yet)';
}

// What each form calls, with the form's values.
const CALLS = {
  identify: (f) => ['identify', f.userId || null, {
    email: f.email,
    createdAt: f.createdAt ? new Date(f.createdAt) : undefined, // a Date: sent as created_at seconds
    language: f.language,
    plan: f.plan,
  }],
  track: (f) => ['track', f.event, {
    total_amount: Number(f.total),
    renewal: f.renewal, // an ISO date string: becomes renewal_date, in seconds
  }],
  page: (f) => ['page', f.category, f.name],
  group: (f) => ['group', f.groupId, { name: f.name }],
  reset: () => ['reset'],
};

function addLogLine(text) {
  const item = document.createElement('li');
  item.textContent = text;
  log.append(item);
  return item;
}

for (const form of document.querySelectorAll('form[data-call]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [method, ...args] = CALLS[form.dataset.call](Object.fromEntries(new FormData(form)));
    const line = addLogLine(`${method}(…) sent`);
    // Before wootric-web.js has loaded, the loader's queue answers: once applied, too.
    await window.analytics[method](...args);
    line.textContent = `${method}(…) applied`;
    render();
  });
}

window.addEventListener('wootric-web:ready', () => {
  setStatus('runtime', 'Python runtime ready; waiting for the beacon…');
  render();
});
window.addEventListener('wootric-web:error', ({ detail }) => {
  setStatus('error', `wootric-web failed: ${detail.message}`);
});
// The loader's queue keeps this too, so it works whether or not the library has loaded yet.
window.analytics.ready(() => {
  if (status.dataset.state !== 'error') setStatus('ready', 'Ready: the beacon has loaded.');
  render();
});
render();
