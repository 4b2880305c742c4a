// Part of the tag. The short form of a page context that the loader and Segment's snippet queue
// (page-context.js makes it), read back: from a queue as it is replayed, or a queue a loader left.
// Each field is a string, whoever wrote it.
const fromBufferedPage = (buffered) => ({
  href: String(buffered.u ?? ''),
  pathname: String(buffered.p ?? ''),
  search: String(buffered.s ?? ''),
  referrer: String(buffered.r ?? ''),
  title: String(buffered.t ?? ''),
  canonical: buffered.c == null ? null : String(buffered.c),
});
