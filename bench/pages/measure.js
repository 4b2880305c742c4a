// Loaded first, synchronously, by every benchmark page: nothing the page does escapes it.
//   bench.longTasks     every main-thread long task of the page's life
//   bench.mark(name)    the first time `name` happened, in ms since navigation start ("load"
//                       is marked here)
//   bench.when(name)    resolves to that time once `name` has been marked
//   bench.tbt()         total blocking time: the sum over long tasks of (duration - 50 ms)
(() => {
  const bench = (window.bench = { longTasks: [], marks: {} });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });

  const waiting = {}; // name -> resolvers of bench.when(name)
  bench.mark = (name) => {
    if (name in bench.marks) return;
    bench.marks[name] = performance.now();
    for (const resolve of waiting[name] ?? []) resolve(bench.marks[name]);
  };
  bench.when = (name) => (name in bench.marks ? Promise.resolve(bench.marks[name])
    : new Promise((resolve) => (waiting[name] ??= []).push(resolve)));
  bench.tbt = () => bench.longTasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
  addEventListener('load', () => bench.mark('load'));
})();
