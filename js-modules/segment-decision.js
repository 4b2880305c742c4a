// Part of the tag: `make build` copies it into js-modules/wootric-web.js, whose scope it shares.
/**
 * Whether the Segment destination speaks, decided once analytics.js has loaded (join-host.js's
 * plugin records it, and calls this if the tag is here by then). Until then its events wait.
 */
function decideSegment() {
  const analytics = hub.segmentAnalytics;
  if (!analytics || hub.segmentDecided) return;
  hub.segmentDecided = true;
  const quiet = () => {
    hub.passive = true;
    hub.events.length = 0;
  };
  // Load options' integrations decide which destinations load at all, as for Segment's own.
  const chosen = analytics.options?.integrations ?? {};
  if ((chosen.Wootric ?? chosen.All ?? true) === false) return quiet();
  // Segment's own Wootric destination is on for this source: one of the two must be quiet.
  if (analytics.settings?.cdnSettings?.integrations?.Wootric) {
    console.warn(PREFIX + "Segment's own Wootric destination is on for this source; it " +
      'drives the survey and wootric-web stays out of it. Turn one of them off.');
    return quiet();
  }
  if (!hub.late || hub.passive) return;
  // Registered after analytics.js had loaded: its earlier events are not replayed, so the
  // visitor it already knows is told to Wootric as an identify would, ahead of the events
  // that came after the destination joined (waiting here unless the executor has them).
  const user = analytics.user?.();
  const id = user?.id?.();
  const traits = user?.traits?.() ?? {};
  if (!id && !Object.keys(traits).length) return;
  const item = { host: 'segment', event: { type: 'identify', userId: id,
    anonymousId: user.anonymousId(), traits, context: { page: {} }, integrations: {} } };
  if (hub.deliver) hub.deliver(item);
  else hub.events.unshift(item);
}
