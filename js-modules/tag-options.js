// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Configuration, from the script tag's attributes.

const attr = (name) => (script ? script.getAttribute(name) : null);
// A boolean attribute: on when present (`data-debug`, `data-debug=""`), unless "false".
const flag = (name) => attr(name) !== null && attr(name) !== 'false';
let debug = flag('data-debug');
let config = null; // readConfig(), once start-up has read it

/** The tag's options; throws an error with a `code` and a sentence saying what to change. */
function readConfig() {
  const refuse = (code, message) => Object.assign(new Error(message), { code });
  const tagUrl = new URL(script && script.src ? script.src : 'wootric-web.js',
    document.baseURI);
  // Values written by the page resolve against the page; defaults sit beside this file.
  const pageUrl = (name) => {
    try {
      return new URL(attr(name), document.baseURI).href;
    } catch {
      throw refuse('config-url', `${name}="${attr(name)}" is not a URL; give a URL or a path.`);
    }
  };
  const asDirectory = (url) => (url.endsWith('/') ? url : url + '/');
  const timeoutAttribute = attr('data-beacon-timeout');
  const timeout = timeoutAttribute === null ? DEFAULT_BEACON_TIMEOUT_MS : Number(timeoutAttribute);
  const config = {
    tagUrl,
    accountToken: attr('data-account-token'),
    beaconUrl: attr('data-beacon-url') ? pageUrl('data-beacon-url') : DEFAULT_BEACON_URL,
    beaconTimeoutMs: timeout,
    pyodideUrl: asDirectory(attr('data-pyodide-url') ? pageUrl('data-pyodide-url')
      : new URL('pyodide/', tagUrl).href),
    // `make build` writes a manifest naming micropip's wheel and ours; data-wheel-url may name
    // another manifest (`….json`) or our wheel itself (micropip's then still comes from the
    // default manifest).
    manifestUrl: new URL('wheels/manifest.json', tagUrl).href,
    wheelUrl: null,
    mode: attr('data-mode') || 'worker',
  };
  if (attr('data-wheel-url')) {
    const url = pageUrl('data-wheel-url');
    if (new URL(url).pathname.endsWith('.json')) config.manifestUrl = url;
    else config.wheelUrl = url;
  }
  if (!config.accountToken) {
    throw refuse('config-account-token', 'The script tag has no data-account-token attribute; ' +
      'add data-account-token="NPS-…" with your Wootric account token.');
  }
  if (!(Number.isFinite(timeout) && timeout > 0)) {
    throw refuse('config-beacon-timeout', `data-beacon-timeout="${timeoutAttribute}" is not a ` +
      'number of milliseconds; use a positive number such as "10000", or leave it out for the ' +
      `default of ${DEFAULT_BEACON_TIMEOUT_MS} ms.`);
  }
  if (config.mode !== 'worker' && config.mode !== 'main') {
    throw refuse('config-mode',
      `data-mode="${config.mode}" is not a mode; use "worker" (the default) or "main".`);
  }
  // The beacon runs with all of the page's rights, so it comes over https or from the page's
  // own server unless the page explicitly accepts the risk.
  const beacon = new URL(config.beaconUrl);
  if (beacon.protocol !== 'https:' && beacon.origin !== location.origin &&
    attr('data-allow-insecure-beacon') === null) {
    throw refuse('config-beacon-url', `data-beacon-url="${attr('data-beacon-url')}" is ` +
      "neither https: nor on this page's server; use an https: URL, or add " +
      'data-allow-insecure-beacon to load it anyway.');
  }
  return config;
}
