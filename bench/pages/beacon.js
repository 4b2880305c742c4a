// A stand-in for Wootric's beacon that only records: each command, with the settings' event name
// and `properties.i`, so the benchmark can check that calls arrive once each and in order. Far
// lighter than the preview beacon, whose panel would dominate a 10,000-call measurement.
(() => {
  const seen = (window.beaconSeen = []);
  window.WootricSurvey = { stop() {} };
  window.wootric = (command) => {
    bench.mark(`first ${command}`);
    const settings = window.wootricSettings || {};
    seen.push([command, settings.event_name ?? null, settings.properties?.i ?? null]);
  };
})();
