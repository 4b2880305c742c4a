// The core's consent rule (Session in wootric_web/session.py), for the loader and the tag before
// Python answers: may this visitor's calls be kept? `choice` is the stored one ("granted",
// "revoked" or null), `attribute` the tag's data-consent (null when it has none).
const consentAllows = (choice, attribute) => choice !== 'revoked' &&
  (attribute === null || attribute === 'false' || choice === 'granted');

// The choice once a queue's consent calls are applied in call order (`methods`: its method
// names): a page left before wootric-web could apply them still keeps the visitor's last word.
const choiceAfter = (choice, methods) => methods.reduce((last, method) =>
  (method === 'consent.grant' ? 'granted' : method === 'consent.revoke' ? 'revoked' : last), choice);
