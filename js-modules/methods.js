// The analytics.js methods wootric-web answers, for the loader's queue and the tag alike.
// Calls: each goes to the core with the page context of the moment it was made.
const CALL_METHODS = ['identify', 'track', 'page', 'group', 'alias', 'screen', 'reset',
  'setAnonymousId'];
// These return analytics itself, so that they chain.
const CHAINED_METHODS = ['on', 'once', 'off', 'debug'];
// The rest of the Segment snippet's stubs: accepted so snippet code keeps working, no effect.
const NO_OP_METHODS = ['trackSubmit', 'trackClick', 'trackLink', 'trackForm', 'pageview',
  'addSourceMiddleware', 'addIntegrationMiddleware', 'addDestinationMiddleware', 'register'];
