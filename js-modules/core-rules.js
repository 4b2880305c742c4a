// The core's rules that the JavaScript applies too, as wootric_web/shared_rules.py
// gives them. Written by `make build` (tools/assemble_js.py): change them there.
// Each file that copies it gets only the rules it reads.
const CORE_RULES = Object.freeze({
  consentKey: "wootric_web_consent",
  storedKeys: {"local": ["ajs_anonymous_id", "ajs_user_id", "ajs_user_traits", "ajs_group_id", "ajs_group_properties", "wootric_web_consent"], "cookie": ["ajs_anonymous_id", "ajs_user_id", "ajs_group_id"]},
  accountToken: "^NPS-(?:EU-|AU-)?[A-Za-z0-9]{8}$",
  defaultBeaconUrl: "https://cdn.wootric.com/wootric-sdk.js",
  defaultBeaconTimeoutMs: 10000,
  encoderLimits: {"depth": 64, "values": 20000, "characters": 2000000},
});
