// Part of the executor: `make build` copies it into static/wootric-web-executor.js, whose
// scope it shares (its `script`, `config`, `debug`, `send`…).
// Encoding call arguments: JSON plus two markers, never throwing.

const FUNCTION_MARKER = { $wootric: 'function' };
const typeTag = (value) => Object.prototype.toString.call(value);
// What JSON cannot carry, so the core never sees it: said here, never naming the data.
const ENCODE_NOTES = {
  cyclic: 'a value that contains itself was left out',
  unreadable: 'a value that threw when read was left out',
  'not-finite': 'NaN and Infinity became null',
  unsupported: 'DOM nodes, window and other objects that are not plain were left out',
};

/**
 * A JSON-safe copy of `value`: what JSON.stringify would keep, with Dates marked, within the
 * budget in `context`. Never throws: a part that cannot be read (a throwing getter or toJSON, a
 * hostile Proxy) is left out, and noted in `context.notes`.
 */
function encode(value, depth, context) {
  try {
    return encodeValue(value, depth, context);
  } catch {
    context.notes.add('unreadable');
    return undefined;
  }
}

function encodeValue(value, depth, context) {
  context.values -= 1;
  if (context.values < 0) return undefined;
  switch (typeof value) {
    case 'string': {
      const text = value.slice(0, Math.max(context.characters, 0));
      context.characters -= text.length;
      return text;
    }
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) context.notes.add('not-finite');
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'symbol':
    case 'function': // top-level functions are marked by encodeArgs; nested ones vanish as in JSON
      return undefined;
    default:
      break;
  }
  if (value === null) return null;
  if (depth > ENCODE_MAX_DEPTH) return undefined;
  if (context.seen.has(value)) {
    context.notes.add('cyclic');
    return undefined;
  }
  // typeTag rather than instanceof, so values from other frames count too.
  const tag = typeTag(value);
  switch (tag) {
    case '[object Date]': {
      const ms = value.getTime();
      return { $wootric: 'date', ms: Number.isFinite(ms) ? ms : null }; // Python warns on null
    }
    case '[object String]':
    case '[object Number]':
    case '[object Boolean]':
      return encodeValue(value.valueOf(), depth, context);
    default:
      break;
  }
  if (typeof value.toJSON === 'function') {
    const replaced = value.toJSON();
    return replaced === value ? undefined : encode(replaced, depth + 1, context);
  }
  const isArray = Array.isArray(value);
  if (!isArray && tag !== '[object Object]') {
    context.notes.add('unsupported');
    return undefined;
  }
  context.seen.add(value);
  try {
    if (isArray) {
      const out = [];
      for (let i = 0; i < value.length && context.values > 0; i += 1) {
        const item = encode(readProperty(value, i, context), depth + 1, context);
        out.push(item === undefined ? null : item);
      }
      return out;
    }
    const out = Object.create(null); // so that a "__proto__" key stays an ordinary key
    for (const key of Object.keys(value)) {
      context.characters -= key.length;
      if (context.values <= 0 || context.characters < 0) break;
      const item = encode(readProperty(value, key, context), depth + 1, context);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    context.seen.delete(value);
  }
}

/** value[key], or undefined (left out, as JSON leaves out undefined) when a getter throws. */
function readProperty(value, key, context) {
  try {
    return value[key];
  } catch {
    context.notes.add('unreadable');
    return undefined;
  }
}

/** Call `id`'s arguments, position for position: callbacks marked, anything unencodable null. */
function encodeArgs(id, method, args) {
  const notes = new Set();
  const encoded = args.map((arg) => {
    if (typeof arg === 'function') return FUNCTION_MARKER;
    const context = { seen: new Set(), values: ENCODE_MAX_VALUES,
      characters: ENCODE_MAX_CHARACTERS, notes };
    const item = encode(arg, 0, context);
    return item === undefined ? null : item;
  });
  if (notes.size) {
    const said = [...notes].map((note) => ENCODE_NOTES[note]).join('; ');
    warn(`analytics.${method}(): ${said}.`, id);
  }
  return encoded;
}
