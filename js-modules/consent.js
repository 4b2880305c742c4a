// The core's consent rule (Session in wootric_web/session.py), for the loader and the tag before
// Python answers: may this visitor's calls be kept? `choice` is the stored one ("granted",
// "revoked" or null), `attribute` the tag's data-consent (null when it has none).
const consentAllows = (choice, attribute) => choice !== 'revoked' &&
  (attribute === null || attribute === 'false' || choice === 'granted');
