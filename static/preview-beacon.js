/*
 * An offline stand-in for Wootric's SDK (https://cdn.wootric.com/wootric-sdk.js), for previews,
 * demos and tests: point the tag's data-beacon-url at this file.
 *
 * It defines what the real beacon defines, `window.wootric(command)` and `window.WootricSurvey`,
 * but shows no survey and makes no request. Instead it records every command, with a copy of
 * `window.wootricSettings` as it was at that moment, in `window.wootricPreview.commands`, and
 * shows both in a small panel in the corner of the page.
 */
(() => {
  'use strict';

  if (window.wootricPreview) return; // loaded twice: the first copy keeps its record

  const commands = [];
  let panel = null;

  const copy = (value) => {
    try {
      return JSON.parse(JSON.stringify(value ?? {}));
    } catch {
      return {};
    }
  };

  function record(command, settings) {
    commands.push({ command, settings: copy(settings) });
    scheduleRender();
  }

  // Commands can arrive by the hundred in one task (calls held until the beacon loaded): the
  // panel is redrawn once afterwards, not once per command.
  let renderScheduled = false;
  function scheduleRender() {
    if (renderScheduled) return;
    renderScheduled = true;
    setTimeout(() => {
      renderScheduled = false;
      render();
    });
  }

  function element(tag, style, text) {
    const node = document.createElement(tag);
    Object.assign(node.style, style);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Every element gets its own explicit styles: the host page's CSS for pre, ol or li must not
  // change (or hide) the panel.
  const TEXT = {
    margin: '0', padding: '0', border: '0', background: 'transparent', color: 'inherit',
    font: 'inherit', textAlign: 'left',
  };

  function buildPanel() {
    const root = element('aside', {
      all: 'initial', display: 'block',
      position: 'fixed', right: '12px', bottom: '12px', zIndex: '2147483647',
      width: 'min(380px, calc(100vw - 24px))', maxHeight: '80vh', overflow: 'auto',
      padding: '10px 12px', boxSizing: 'border-box', borderRadius: '8px',
      background: '#10212b', color: '#e8f1f5', boxShadow: '0 4px 18px rgba(0,0,0,.3)',
      font: '12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    });
    root.id = 'wootric-preview';
    root.setAttribute('aria-label', 'Wootric preview beacon');
    const heading = (text) => element('div', { ...TEXT, fontWeight: 'bold', margin: '8px 0 2px' }, text);
    const list = element('ol', { ...TEXT, paddingLeft: '22px' });
    list.dataset.preview = 'commands';
    const settings = element('pre', { ...TEXT, whiteSpace: 'pre-wrap', wordBreak: 'break-all' });
    settings.dataset.preview = 'settings';
    root.append(
      element('div', { ...TEXT, fontWeight: 'bold', color: '#7fd4a8' }, 'Wootric preview beacon (offline)'),
      heading('commands received'), list,
      heading('window.wootricSettings'), settings,
    );
    return { root, settings, list };
  }

  function render() {
    if (!document.body) return; // rendered once the body exists
    if (!panel) {
      panel = buildPanel();
      document.body.append(panel.root);
    }
    panel.settings.textContent = JSON.stringify(copy(window.wootricSettings), null, 2);
    if (commands.length === 0) {
      panel.list.replaceChildren(element('li', { ...TEXT, listStyle: 'none', opacity: '.7' }, '(none yet)'));
    } else {
      panel.list.replaceChildren(
        ...commands.map(({ command }) => element('li', { ...TEXT, display: 'list-item' }, String(command))));
    }
  }

  window.wootricPreview = { commands };
  window.wootric = (command) => record(command, window.wootricSettings);
  window.WootricSurvey = {
    run: (settings) => record('WootricSurvey.run', settings ?? window.wootricSettings),
    stop: () => record('WootricSurvey.stop', window.wootricSettings),
    version: () => 'preview',
  };

  if (document.body) render();
  else document.addEventListener('DOMContentLoaded', render, { once: true });
})();
