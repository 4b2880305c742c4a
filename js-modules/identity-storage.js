// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Identity storage: Python's `store` changes, written to cookies and localStorage, where
// analytics.js keeps the same keys.
function store({ key, value, cookie, local }) {
  const text = value == null || typeof value === 'string' ? value : JSON.stringify(value);
  if (cookie) {
    try {
      document.cookie = text == null
        ? `${key}=; path=/; max-age=0; SameSite=Lax`
        : `${key}=${encodeURIComponent(text)}; path=/; max-age=31536000; SameSite=Lax`;
    } catch {
      // cookies unavailable: Python keeps the identity in memory
    }
  }
  if (local) {
    try {
      if (text == null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, text);
    } catch {
      // localStorage unavailable or full
    }
  }
