/*
 * An offline stand-in for Wootric's SDK (https://cdn.wootric.com/wootric-sdk.js), for previews,
 * demos and tests: point the tag's data-beacon-url at this file. It makes no request.
 *
 * It defines what the real beacon defines, `window.wootric(command)` and `window.WootricSurvey`.
 * `wootric('run')` and `WootricSurvey.run(settings)` show a small 0–10 NPS survey and call
 * `wootricSettings.callbacks` as the real beacon does:
 *
 *   after_eligible(eligible)     a task after run, as if the eligibility server had answered
 *   after_show()                 once the survey is on screen
 *   after_response(score, text)  on submit, and again each time the response is updated
 *   after_decline()              when the survey is closed before a response was submitted
 *
 * Each callback is looked up when its event happens, so functions installed after `run` count.
 * A run while a survey is waiting or showing joins it (one survey at a time); once it is closed,
 * the next run asks again (the real beacon would also throttle by its "surveyed" cookie).
 * `WootricSurvey.stop()` hides the survey, or cancels a waiting one, without a decline.
 *
 * `window.wootricPreview` records what happened, for tests and the demo's panel:
 *   commands  [{command, settings}]  every command, with a copy of wootricSettings at that moment
 *   events    [{callback, args}]     every callback the beacon fired, whether or not one was set
 *   eligible  set it to false (before or after this file loads) and runs are not eligible
 */
(() => {
  'use strict';

  if (window.wootricPreview?.commands) return; // loaded twice: the first copy keeps its record

  // The page may have set options (`eligible`) before loading this file; they are kept.
  const preview = Object.assign(window.wootricPreview ?? {}, { commands: [], events: [] });
  let panel = null;

  const copy = (value) => {
    try {
      return JSON.parse(JSON.stringify(value ?? {}));
    } catch {
      return {};
    }
  };

  function record(command, settings) {
    preview.commands.push({ command, settings: copy(settings) });
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

  function node(tag, attributes = {}, ...children) {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    made.append(...children);
    return made;
  }

  function element(tag, style, text) {
    const made = node(tag, {}, ...(text === undefined ? [] : [text]));
    Object.assign(made.style, style);
    return made;
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
    const list = (name) => {
      const node = element('ol', { ...TEXT, paddingLeft: '22px' });
      node.dataset.preview = name;
      return node;
    };
    const commands = list('commands');
    const callbacks = list('callbacks');
    const settings = element('pre', { ...TEXT, whiteSpace: 'pre-wrap', wordBreak: 'break-all' });
    settings.dataset.preview = 'settings';
    root.append(
      element('div', { ...TEXT, fontWeight: 'bold', color: '#7fd4a8' }, 'Wootric preview beacon (offline)'),
      heading('commands received'), commands,
      heading('callbacks fired'), callbacks,
      heading('window.wootricSettings'), settings,
    );
    return { root, settings, commands, callbacks };
  }

  function renderList(list, lines) {
    if (lines.length === 0) {
      list.replaceChildren(element('li', { ...TEXT, listStyle: 'none', opacity: '.7' }, '(none yet)'));
    } else {
      list.replaceChildren(...lines.map((line) => element('li', { ...TEXT, display: 'list-item' }, line)));
    }
  }

  function render() {
    if (!document.body) return; // rendered once the body exists
    if (!panel) {
      panel = buildPanel();
      document.body.append(panel.root);
    }
    panel.settings.textContent = JSON.stringify(copy(window.wootricSettings), null, 2);
    renderList(panel.commands, preview.commands.map(({ command }) => String(command)));
    renderList(panel.callbacks, preview.events.map(({ callback, args }) =>
      `${callback}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`));
  }

  // ---------------------------------------------------------------------------------------------
  // The survey.

  let waiting = null; // the timer of a run whose eligibility answer has not "arrived" yet
  let survey = null; // the survey on screen: { host, settings, responded, focusBefore }
  let stops = 0; // WootricSurvey.stop() calls: a survey still waiting for the body checks it

  /** Calls the page's callback for `name`, as it is now; a throwing one spoils nothing else. */
  function fire(settings, name, ...args) {
    preview.events.push({ callback: name, args });
    scheduleRender();
    try {
      const callback = settings()?.callbacks?.[name];
      if (typeof callback === 'function') callback(...args);
    } catch (error) {
      console.error(`[wootric preview beacon] the ${name} callback threw:`, error);
    }
  }

  /** `settings` is a function giving the settings in force: the page may replace them. */
  function run(settings) {
    if (waiting !== null || survey) return;
    waiting = setTimeout(() => {
      waiting = null;
      const eligible = preview.eligible !== false;
      fire(settings, 'after_eligible', eligible);
      if (!eligible) return;
      const stopsBefore = stops;
      whenBodyExists(() => {
        if (stops === stopsBefore) show(settings);
      });
    });
  }

  function whenBodyExists(then) {
    if (document.body) then();
    else document.addEventListener('DOMContentLoaded', then, { once: true });
  }

  function stop() {
    stops += 1;
    clearTimeout(waiting);
    waiting = null;
    close();
  }

  function close() {
    if (!survey) return;
    const { host, focusBefore } = survey;
    // Focus inside the survey would fall to <body>: it goes back where the visitor was.
    const hadFocus = host.shadowRoot.activeElement !== null;
    host.remove();
    survey = null;
    if (hadFocus && focusBefore?.isConnected) focusBefore.focus();
  }

  /** The visitor closed `shown`: a decline unless they had responded. */
  function dismiss(shown) {
    if (survey !== shown) return;
    close();
    if (!shown.responded) fire(shown.settings, 'after_decline');
  }

  // In a shadow root, so the host page's CSS cannot reach the survey, nor its CSS the page; as a
  // constructed style sheet, which a Content Security Policy without 'unsafe-inline' allows.
  const STYLE = `
    :host { all: initial; position: fixed; left: 12px; z-index: 2147483646; }
    [hidden] { display: none !important; }
    .card {
      position: relative; box-sizing: border-box; width: min(460px, calc(100vw - 24px));
      padding: 18px 20px 16px; border-radius: 10px; background: #fff; color: #1b2a33;
      box-shadow: 0 6px 24px rgba(16, 33, 43, .25);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
    }
    p { margin: 0 28px 12px 0; font-weight: 600; }
    button, textarea { font: inherit; color: inherit; }
    button { cursor: pointer; }
    :focus-visible { outline: 2px solid #1f6feb; outline-offset: 2px; }
    .close {
      position: absolute; top: 8px; right: 8px; width: 30px; height: 30px; padding: 0;
      border: 0; border-radius: 6px; background: transparent; font-size: 20px; line-height: 1;
    }
    .close:hover { background: #eef2f5; }
    .scale { display: grid; grid-template-columns: repeat(11, 1fr); gap: 4px; }
    .scale button {
      min-height: 36px; padding: 0; border: 1px solid #c9d4dc; border-radius: 6px;
      background: #f4f7f9;
    }
    .scale button:hover { border-color: #1f6feb; }
    .scale button[aria-pressed="true"] { background: #1f6feb; border-color: #1f6feb; color: #fff; }
    .ends { display: flex; justify-content: space-between; margin-top: 4px; font-size: 12px;
      color: #55646e; }
    form { margin-top: 14px; }
    label { display: block; margin-bottom: 6px; font-size: 14px; }
    textarea {
      display: block; box-sizing: border-box; width: 100%; min-height: 64px; padding: 6px 8px;
      border: 1px solid #c9d4dc; border-radius: 6px; resize: vertical;
    }
    .primary {
      margin-top: 8px; padding: 6px 16px; border: 0; border-radius: 6px; background: #1f6feb;
      color: #fff;
    }
    .thanks { margin-top: 14px; }
    .thanks button { margin-left: 8px; padding: 0; border: 0; background: none; color: #1f6feb;
      text-decoration: underline; }
  `;

  function question(settings) {
    const text = (key, fallback) => {
      const value = settings?.[key];
      return typeof value === 'string' && value.trim() ? value.trim() : fallback;
    };
    return `How likely are you to recommend ${text('product_name', 'us')} to ` +
      `${text('wootric_recommend_target', 'a friend or co-worker')}?`;
  }

  function show(settings) {
    const current = settings() ?? {};
    const host = node('div', { id: 'wootric-preview-survey' });
    host.style.setProperty(current.modal_position === 'top' ? 'top' : 'bottom', '12px');
    const root = host.attachShadow({ mode: 'open' });

    const scores = Array.from({ length: 11 }, (_, score) =>
      node('button', { type: 'button', 'aria-pressed': 'false', 'data-score': String(score) },
        String(score)));
    const comment = node('textarea', { id: 'comment', rows: '3' });
    const form = node('form', { hidden: '' },
      node('label', { for: 'comment' }, 'What is the most important reason for your score?'),
      comment,
      node('button', { type: 'submit', class: 'primary' }, 'Submit'));
    const edit = node('button', { type: 'button' }, 'Change your response');
    const thanks = node('div', { class: 'thanks', role: 'status', hidden: '' },
      'Thank you for your feedback!', edit);
    const closeButton = node('button', { type: 'button', class: 'close', 'aria-label': 'Close survey' }, '×');
    const card = node('div',
      { class: 'card', role: 'dialog', 'aria-labelledby': 'question', 'aria-describedby': 'ends' },
      closeButton,
      node('p', { id: 'question' }, question(current)),
      node('div', { class: 'scale', role: 'group', 'aria-labelledby': 'question' }, ...scores),
      node('div', { class: 'ends', id: 'ends' },
        node('span', {}, '0: not at all likely'), node('span', {}, '10: extremely likely')),
      form,
      thanks);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
    root.append(card);

    const shown = { host, settings, responded: false, focusBefore: document.activeElement };
    let score = null;
    for (const button of scores) {
      button.addEventListener('click', () => {
        score = Number(button.dataset.score);
        for (const other of scores) other.setAttribute('aria-pressed', String(other === button));
        form.hidden = false;
        thanks.hidden = true;
        comment.focus();
      });
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      shown.responded = true;
      form.hidden = true;
      thanks.hidden = false;
      edit.focus();
      fire(settings, 'after_response', score, comment.value);
    });
    edit.addEventListener('click', () => {
      form.hidden = false;
      thanks.hidden = true;
      comment.focus();
    });
    closeButton.addEventListener('click', () => dismiss(shown));
    card.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') dismiss(shown);
    });

    survey = shown;
    document.body.append(host);
    // The real beacon moves focus into the survey only with `aria: true`; otherwise a survey that
    // appears uninvited must not take the keyboard from whatever the visitor is typing into.
    if (current.aria === true) scores[0].focus();
    fire(settings, 'after_show');
  }

  window.wootricPreview = preview;
  window.wootric = (command) => {
    record(command, window.wootricSettings);
    if (command === 'run') run(() => window.wootricSettings);
  };
  window.WootricSurvey = {
    run: (settings) => {
      record('WootricSurvey.run', settings ?? window.wootricSettings);
      run(settings ? () => settings : () => window.wootricSettings);
    },
    stop: () => {
      record('WootricSurvey.stop', window.wootricSettings);
      stop();
    },
    version: () => 'preview',
  };

  whenBodyExists(render);
})();
