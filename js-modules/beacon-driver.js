// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Wootric's beacon: window.wootricSettings written, the beacon preloaded, loaded and called.
let beaconScript = null;

/** window.wootricSettings (made if the page has none), with the survey hooks installed. */
function settingsObject() {
  let settings = window.wootricSettings;
  if (!settings || typeof settings !== 'object') {
    settings = {};
    window.wootricSettings = settings;
  }
  installSurveyHooks(settings);
  return settings;
}

// A plain own data property, so that nothing on the page (setters on a wootricSettings it made
// itself, or on its prototype) can intercept or redirect the write.
const dataProperty = (value) => ({ value, writable: true, enumerable: true, configurable: true });

function writeSettings(values) {
  const settings = settingsObject();
  for (const [key, value] of Object.entries(values)) {
    try {
      const before = debug ? settings[key] : undefined;
      Object.defineProperty(settings, key, dataProperty(value));
      noteSetting(key, before, value);
    } catch {
      console.warn(PREFIX + `window.wootricSettings.${key} is locked by the page; not written.`);
    }
  }
}

// A Wootric account token's shape. Python decides; this only keeps the executor from fetching a
// beacon that a malformed token will never load.
const TOKEN_SHAPE = new RegExp(CORE_RULES.accountToken);
let beaconHinted = false;

/**
 * While Python restores a snapshot (well under a second), the beacon is fetched beside it, so
 * that it is at hand when Python asks for it. Only a hint: Python still decides whether it loads
 * and runs. Never without consent (the request reaches Wootric), and never before the page's
 * `load` event, which a preload would delay.
 */
function preloadBeacon() {
  if (beaconHinted || !consented || !TOKEN_SHAPE.test(config.accountToken)) return;
  beaconHinted = true;
  const hint = () => {
    if (beaconScript) return; // Python asked for it first
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = config.beaconUrl;
    (document.head || document.documentElement).appendChild(link);
  };
  if (document.readyState === 'complete') hint();
  else window.addEventListener('load', hint, { once: true });
}

function loadBeacon(url) {
  if (beaconScript) return;
  beaconScript = document.createElement('script');
  beaconScript.async = true;
  beaconScript.src = url;
  let settled = false;
  let threw = false;
  // An error thrown while the beacon runs becomes its reported failure rather than an uncaught
  // error on the page. (A cross-origin beacon's errors are muted and name no file: those stay.)
  const onError = (event) => {
    if (event.filename !== beaconScript.src) return;
    threw = true;
    event.preventDefault();
    log('the beacon threw', event.error);
  };
  const settle = (outcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    window.removeEventListener('error', onError);
    send({ kind: 'beacon', ...outcome }, `beacon ${outcome.state} ${outcome.code ?? ''}`.trim())
      .then(markReady);
  };
  const timer = setTimeout(
    () => settle({ state: 'failed', code: 'beacon-timeout' }), config.beaconTimeoutMs);
  window.addEventListener('error', onError);
  beaconScript.addEventListener('load', () => {
    if (threw) settle({ state: 'failed', code: 'beacon-threw' });
    else if (typeof window.wootric === 'function') settle({ state: 'loaded' });
    else settle({ state: 'failed', code: 'beacon-no-wootric' });
  });
  beaconScript.addEventListener('error',
    () => settle({ state: 'failed', code: 'beacon-load-failed' }));
  (document.head || document.documentElement).appendChild(beaconScript);
}

function callBeacon(command) {
  if (typeof window.wootric !== 'function') {
    note('log', `no window.wootric for wootric('${command}')`);
    return;
  }
  note('log', `wootric('${command}')`);
  try {
    window.wootric(command);
  } catch (error) {
    report('beacon-command-failed', `The Wootric beacon threw on window.wootric('${command}'); ` +
      "that call's settings are written, but its survey may not show.");
    note('log', 'the beacon threw:', error); // its message may quote the settings
  }
}
