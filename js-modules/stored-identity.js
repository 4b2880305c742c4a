// Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
// The identity analytics.js keeps in cookies and localStorage, read for the core and for
// analytics.user() before Python answers (the executor writes it: identity-storage.js).
function readCookies() {
  const found = {};
  let cookies = '';
  try {
    cookies = document.cookie;
  } catch {
    return found;
  }
  for (const part of cookies.split(';')) {
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    if (at < 0 || !STORED_KEYS.cookie.includes(name) || name in found) continue;
    const raw = part.slice(at + 1).trim();
    try {
      found[name] = decodeURIComponent(raw);
    } catch {
      found[name] = raw;
    }
  }
  return found;
}

/** The raw stored values; Python decides which one wins and how to read them. */
function readStored() {
  const local = {};
  for (const key of STORED_KEYS.local) {
    try {
      const value = window.localStorage.getItem(key);
      if (value !== null) local[key] = value;
    } catch {
      break; // storage unavailable (private mode, blocked cookies)
    }
  }
  return { local, cookie: readCookies() };
}

/** The stored identity, for analytics.user() until Python reports one (its rules win then). */
function storedIdentity() {
  const stored = readStored();
  const unquote = (raw) => {
    if (raw == null) return null;
    try {
      const value = JSON.parse(raw);
      return typeof value === 'string' || typeof value === 'number' ? String(value) : raw;
    } catch {
      return raw;
    }
  };
  let traits = {};
  try {
    traits = JSON.parse(stored.local.ajs_user_traits || '{}') || {};
  } catch {
    traits = {};
  }
  return {
    userId: unquote(stored.local.ajs_user_id ?? stored.cookie.ajs_user_id),
    anonymousId: unquote(stored.local.ajs_anonymous_id ?? stored.cookie.ajs_anonymous_id),
    traits,
  };
}
