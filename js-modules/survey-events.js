// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Events, for analytics.on/once/off: each handled call is emitted under its method name.

const listeners = new Map(); // event -> [listener]

function emit(event, args) {
  for (const listener of [...(listeners.get(event) || [])]) {
    try {
      listener(...args);
    } catch (error) {
      console.error(PREFIX + `a listener for "${event}" threw:`, error);
    }
  }
}

function removeListener(event, listener) {
  const list = listeners.get(event);
  const at = list ? list.findIndex((entry) => entry === listener || entry.original === listener)
    : -1;
  if (at >= 0) list.splice(at, 1);
}

// The survey's lifecycle. The beacon calls wootricSettings.callbacks: after_eligible(eligible),
// after_show(), after_response(score, text), after_decline(). Each becomes a `wootric-web:*`
// event on window and an analytics.on event, after the page's own callback of that name.

// callback -> [DOM event, analytics.on event, its detail]: listeners get the detail's values.
const SURVEY_EVENTS = {
  after_eligible: ['wootric-web:eligible', 'eligible', (eligible) => ({ eligible })],
  after_show: ['wootric-web:shown', 'shown', () => null],
  after_response: ['wootric-web:response', 'survey_response', (score, text) => ({ score, text })],
  after_decline: ['wootric-web:decline', 'decline', () => null],
};
const pageCallbacks = {}; // callback name -> the page's own function

const surveyHooks = Object.fromEntries(Object.entries(SURVEY_EVENTS).map(
  ([name, [type, event, detailOf]]) => [name, (...args) => {
    try {
      if (typeof pageCallbacks[name] === 'function') pageCallbacks[name](...args);
    } catch (error) {
      console.error(PREFIX + `the page's wootricSettings.callbacks.${name} threw:`, error);
    }
    const detail = detailOf(...args);
    window.dispatchEvent(new CustomEvent(type, { detail }));
    emit(event, Object.values(detail ?? {}));
  }]));

/**
 * Puts the hooks into `settings.callbacks`, keeping the page's functions to call first. Each
 * hook is an accessor, so a function the page assigns later (`callbacks.after_show = f`) is
 * chained too. This runs whenever settings are written, so a callbacks object (or a
 * wootricSettings) the page replaces gets the hooks again before the beacon's next command.
 */
function installSurveyHooks(settings) {
  try {
    let callbacks = settings.callbacks;
    if (!callbacks || typeof callbacks !== 'object') {
      callbacks = {};
      Object.defineProperty(settings, 'callbacks', dataProperty(callbacks));
    }
    for (const [name, hook] of Object.entries(surveyHooks)) {
      if (callbacks[name] === hook) continue;
      pageCallbacks[name] = callbacks[name];
      Object.defineProperty(callbacks, name, {
        get: () => hook,
        set: (callback) => {
          pageCallbacks[name] = callback;
        },
        enumerable: true,
        configurable: true,
      });
    }
  } catch {
    // A page that locked its callbacks keeps them as they are, without these events.
  }
}
