// The page as it is when a call is made. A call keeps the context of its own moment: a
// single-page app may have moved on by the time the call is applied.
const capturePage = () => {
  const context = { href: '', pathname: '', search: '', referrer: '', title: '', canonical: null };
  try {
    context.href = location.href;
    context.pathname = location.pathname;
    context.search = location.search;
    context.referrer = document.referrer;
    context.title = document.title;
    context.canonical = document.querySelector("link[rel='canonical']")?.getAttribute('href') ??
      null;
  } catch {
    // a document that cannot be read leaves the defaults, which Python fills from `href`
  }
  return context;
};

// Segment's snippet queues a call's context in a short form, its "buffered page context", as
// the last argument; the loader queues its calls the same way, with the time of the call.
const bufferedPage = (context, at) => ({ __t: 'bpc', at, u: context.href, p: context.pathname,
  s: context.search, r: context.referrer, t: context.title, c: context.canonical });

