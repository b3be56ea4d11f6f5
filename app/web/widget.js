/*
 * Firstline chat widget.
 *
 * Embed it with one tag anywhere on a page (before </body> is best):
 *
 *   <script src="https://firstline.example.fi/widget.js" data-unit="kajaani" data-lang="fi" async></script>
 *
 * data-unit (required) is the health station's unit id from the region file; data-lang is fi, sv
 * or en (default fi). The widget talks only to the server it was loaded from (its WebSocket and
 * the pre-information form are found next to widget.js, ws: or wss: to match http: or https:).
 * It draws a floating launcher button in the bottom-right corner and a chat panel inside a
 * Shadow DOM, so the host page's CSS neither reaches nor is affected by it. Styles are applied
 * as a constructable stylesheet, so a page with a strict CSP needs no 'unsafe-inline' for it;
 * the page's CSP must allow connect-src to the Firstline origin (https: and wss:). A chat in
 * progress survives a dropped connection and a page reload in the same tab (sessionStorage
 * keeps the session token and the last message number, never the message text).
 * Plain ES2017, no dependencies. window.FirstlineWidget.open() / .close() are available.
 */
(function () {
  'use strict';

  if (window.FirstlineWidget) return; // loaded twice: keep the first

  const script = document.currentScript || document.querySelector('script[src*="widget.js"][data-unit]');
  if (!script) return;
  const UNIT = (script.getAttribute('data-unit') || '').trim();
  if (!UNIT) {
    if (window.console) console.warn('Firstline widget: data-unit is missing; the chat is not shown.');
    return;
  }
  const LANGS = ['fi', 'sv', 'en'];
  const pickLang = (l) => (LANGS.indexOf(l) >= 0 ? l : 'fi');
  const BASE = new URL('.', script.src || location.href); // the directory widget.js was served from
  const WS_BASE = new URL('channels/chat/ws', BASE);
  WS_BASE.protocol = BASE.protocol === 'https:' ? 'wss:' : 'ws:';
  const FORM_URL = new URL('channels/chat/form', BASE);
  const STORE_KEY = 'firstline-chat:' + UNIT;
  const MAX_LEN = 4000;
  const BACKOFF_MAX_MS = 15000;
  const FATAL_CLOSE = [1003, 1008, 1009]; // unsupported data, policy (bad unit/session, rate limit), too big

  const TEXT = {
    fi: {
      launcher: 'Chat', launcherLabel: 'Terveysaseman chat', unread: (n) => n + ' uutta viestiä',
      title: 'Terveysaseman chat', minimise: 'Pienennä chat', language: 'Kieli',
      loading: 'Ladataan…', formFailed: 'Lomakkeen lataaminen epäonnistui.', retry: 'Yritä uudelleen',
      intro: 'Vastaa muutamaan kysymykseen, niin ohjaamme sinut oikealle ammattilaiselle. Älä kirjoita henkilötunnustasi.',
      name: 'Nimesi (vapaaehtoinen)', yes: 'Kyllä', no: 'Ei', required: '(pakollinen)',
      answerThis: 'Vastaa tähän kysymykseen.', describe: 'Kerro asiasi lyhyesti.',
      start: 'Aloita chat', localEmergency: 'Jos tilanne on hengenvaarallinen, soita heti hätänumeroon 112.',
      emergencyTitle: 'Kiireellinen tilanne', call112: 'Soita 112',
      connecting: 'Yhdistetään…', reconnecting: 'Yhteys katkesi. Yhdistetään uudelleen…',
      queued: (p, w) => 'Olet jonossa sijalla ' + p + '. Arvioitu odotusaika ' + w + '.',
      nobodyOnDuty: 'Juuri nyt kukaan ei ole vapaana, mutta paikkasi jonossa säilyy.',
      waiting: 'Odota hetki, ammattilainen vastaa pian.',
      lessMin: 'alle minuutti', aboutMin: (n) => 'noin ' + n + ' min',
      joined: (n, r) => n + ' (' + r + ') liittyi keskusteluun.',
      roles: { nurse: 'sairaanhoitaja', doctor: 'lääkäri', assistant: 'terveyskeskusavustaja', coordinator: 'kartoittaja', supervisor: 'esihenkilö' },
      professional: 'ammattilainen', you: 'Sinä', notice: 'Ilmoitus', log: 'Keskustelu',
      message: 'Viesti', hint: 'Enter lähettää, Shift + Enter tekee rivinvaihdon.', send: 'Lähetä',
      sending: 'lähetetään…', notSent: 'Ei lähetetty.', resend: 'Lähetä uudelleen',
      tooLong: 'Viesti on liian pitkä: enintään 4000 merkkiä.', left: (n) => n + ' merkkiä jäljellä',
      offline: 'Ei yhteyttä. Odota hetki ja yritä uudelleen.',
      leave: 'Lopeta chat', closed: 'Keskustelu on päättynyt. Kiitos yhteydenotosta!',
      survey: 'Vastaa lyhyeen palautekyselyyn', newWindow: '(avautuu uuteen ikkunaan)', newChat: 'Aloita uusi chat',
      sessionLost: 'Keskustelua ei voitu jatkaa.'
    },
    sv: {
      launcher: 'Chatt', launcherLabel: 'Hälsostationens chatt', unread: (n) => n + ' nya meddelanden',
      title: 'Hälsostationens chatt', minimise: 'Minimera chatten', language: 'Språk',
      loading: 'Laddar…', formFailed: 'Det gick inte att ladda formuläret.', retry: 'Försök igen',
      intro: 'Svara på några frågor så hänvisar vi dig till rätt yrkesperson. Skriv inte din personbeteckning.',
      name: 'Ditt namn (frivilligt)', yes: 'Ja', no: 'Nej', required: '(obligatorisk)',
      answerThis: 'Svara på den här frågan.', describe: 'Beskriv ditt ärende kort.',
      start: 'Starta chatten', localEmergency: 'Om situationen är livshotande, ring genast nödnumret 112.',
      emergencyTitle: 'Brådskande situation', call112: 'Ring 112',
      connecting: 'Ansluter…', reconnecting: 'Anslutningen bröts. Ansluter på nytt…',
      queued: (p, w) => 'Du är nummer ' + p + ' i kön. Uppskattad väntetid ' + w + '.',
      nobodyOnDuty: 'Just nu är ingen ledig, men du behåller din plats i kön.',
      waiting: 'Vänta en stund, en yrkesperson svarar snart.',
      lessMin: 'under en minut', aboutMin: (n) => 'cirka ' + n + ' min',
      joined: (n, r) => n + ' (' + r + ') anslöt till chatten.',
      roles: { nurse: 'sjukskötare', doctor: 'läkare', assistant: 'hälsocentralsassistent', coordinator: 'koordinator', supervisor: 'förman' },
      professional: 'yrkesperson', you: 'Du', notice: 'Meddelande', log: 'Samtal',
      message: 'Meddelande', hint: 'Enter skickar, Skift + Enter ger ny rad.', send: 'Skicka',
      sending: 'skickas…', notSent: 'Inte skickat.', resend: 'Skicka igen',
      tooLong: 'Meddelandet är för långt: högst 4000 tecken.', left: (n) => n + ' tecken kvar',
      offline: 'Ingen anslutning. Vänta en stund och försök igen.',
      leave: 'Avsluta chatten', closed: 'Chatten har avslutats. Tack för att du kontaktade oss!',
      survey: 'Svara på en kort enkät', newWindow: '(öppnas i ett nytt fönster)', newChat: 'Starta en ny chatt',
      sessionLost: 'Chatten kunde inte fortsätta.'
    },
    en: {
      launcher: 'Chat', launcherLabel: 'Health centre chat', unread: (n) => n + ' new messages',
      title: 'Health centre chat', minimise: 'Minimise chat', language: 'Language',
      loading: 'Loading…', formFailed: 'The form could not be loaded.', retry: 'Try again',
      intro: 'Answer a few questions so we can direct you to the right professional. Do not write your personal identity code.',
      name: 'Your name (optional)', yes: 'Yes', no: 'No', required: '(required)',
      answerThis: 'Please answer this question.', describe: 'Please describe your matter briefly.',
      start: 'Start chat', localEmergency: 'If the situation is life-threatening, call the emergency number 112 now.',
      emergencyTitle: 'Urgent situation', call112: 'Call 112',
      connecting: 'Connecting…', reconnecting: 'Connection lost. Reconnecting…',
      queued: (p, w) => 'You are number ' + p + ' in the queue. Estimated wait ' + w + '.',
      nobodyOnDuty: 'Nobody is free right now, but you keep your place in the queue.',
      waiting: 'Please wait, a professional will answer soon.',
      lessMin: 'less than a minute', aboutMin: (n) => 'about ' + n + ' min',
      joined: (n, r) => n + ' (' + r + ') joined the chat.',
      roles: { nurse: 'nurse', doctor: 'doctor', assistant: 'health centre assistant', coordinator: 'coordinator', supervisor: 'supervisor' },
      professional: 'professional', you: 'You', notice: 'Notice', log: 'Conversation',
      message: 'Message', hint: 'Enter sends, Shift + Enter adds a new line.', send: 'Send',
      sending: 'sending…', notSent: 'Not sent.', resend: 'Send again',
      tooLong: 'The message is too long: at most 4000 characters.', left: (n) => n + ' characters left',
      offline: 'No connection. Wait a moment and try again.',
      leave: 'Leave chat', closed: 'The chat has ended. Thank you for contacting us!',
      survey: 'Answer a short feedback survey', newWindow: '(opens in a new window)', newChat: 'Start a new chat',
      sessionLost: 'The chat could not be continued.'
    }
  };
  const LOCALE = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
  const LANG_NAMES = { fi: 'suomi', sv: 'svenska', en: 'English' };

  const CSS = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.root { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1f24; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 8px; min-height: 52px; padding: 0 20px 0 16px;
  border: 2px solid #ffffff; border-radius: 26px; background: #0a4f8a; color: #ffffff;
  font: 600 17px/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; cursor: pointer;
  box-shadow: 0 4px 14px rgba(0,0,0,.3);
}
.launcher:hover { background: #083e6d; }
.launcher svg { width: 24px; height: 24px; fill: currentColor; flex: none; }
.badge { min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #ffffff; color: #0a4f8a; font-size: 13px; line-height: 22px; text-align: center; }
.badge[hidden] { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* focus: a dark ring (≥3:1 on the panel's white, WCAG 1.4.11; amber had 2.0:1); on the blue header and
   the red banner a light one; round the launcher a dark ring on a white halo, for any host page */
button:focus-visible, a:focus-visible, select:focus-visible, textarea:focus-visible, input:focus-visible, .focus-target:focus-visible {
  outline: 3px solid #1b1f24; outline-offset: 2px;
}
.launcher:focus-visible { outline: 3px solid #1b1f24; outline-offset: 3px; box-shadow: 0 0 0 6px #ffffff, 0 4px 14px rgba(0,0,0,.3); }
.panel {
  position: fixed; right: 20px; bottom: 84px; z-index: 2147483001;
  width: 380px; height: min(620px, calc(100vh - 104px)); display: flex; flex-direction: column;
  background: #ffffff; border: 1px solid #8a96a3; border-radius: 12px; overflow: hidden;
  box-shadow: 0 10px 32px rgba(0,0,0,.28);
  transition: opacity .15s ease-out, transform .15s ease-out;
}
.panel[hidden] { display: none; }
.panel.entering { opacity: 0; transform: translateY(12px); }
.header { display: flex; align-items: center; gap: 8px; padding: 10px 8px 10px 16px; background: #0a4f8a; color: #ffffff; flex: none; }
.header h2 { margin: 0; flex: 1; font-size: 18px; font-weight: 650; line-height: 1.25; }
.header h2:focus { outline: none; }
.icon-btn { display: inline-flex; align-items: center; justify-content: center; width: 44px; height: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; cursor: pointer; }
.icon-btn:hover { background: rgba(255,255,255,.15); }
.icon-btn svg { width: 22px; height: 22px; fill: currentColor; }
.header .icon-btn:focus-visible { outline-color: #ffd35c; outline-offset: -3px; }
.emergency { flex: none; margin: 0; padding: 12px 16px; background: #b00020; color: #ffffff; font-weight: 600; }
.emergency:empty { padding: 0; }
.emergency p { margin: 0 0 8px; }
.emergency strong { display: block; font-size: 17px; }
.emergency a { display: inline-block; padding: 8px 16px; border-radius: 6px; background: #ffffff; color: #b00020; font-weight: 700; text-decoration: none; font-size: 18px; }
.emergency a:focus-visible { outline-color: #ffd35c; }
.body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.view { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.view[hidden] { display: none; }
.scroll { flex: 1; min-height: 0; overflow-y: auto; padding: 14px 16px; }
.form h3 { margin: 0 0 6px; font-size: 17px; }
.form p.intro { margin: 0 0 12px; color: #3d4650; font-size: 15px; }
.field { margin: 0 0 14px; padding: 0; border: 0; }
.field > label, .field legend { display: block; margin: 0 0 4px; padding: 0; font-weight: 600; font-size: 15px; }
.req { font-weight: 400; color: #5a6570; }
textarea, input[type=text], select {
  width: 100%; padding: 8px 10px; border: 1px solid #6b7785; border-radius: 6px; background: #ffffff; color: #1b1f24;
  font: inherit; font-size: 16px;
}
textarea { resize: vertical; min-height: 72px; }
.choices { display: flex; gap: 18px; }
.choices label { display: inline-flex; align-items: center; gap: 6px; min-height: 44px; font-weight: 400; cursor: pointer; }
.choices input { width: 20px; height: 20px; margin: 0; accent-color: #0a4f8a; }
.error { margin: 4px 0 0; color: #b00020; font-size: 14px; font-weight: 600; }
.error:empty { margin: 0; }
[aria-invalid=true] { border-color: #b00020; }
.primary { min-height: 44px; padding: 0 18px; border: 0; border-radius: 8px; background: #0a4f8a; color: #ffffff; font: inherit; font-weight: 600; cursor: pointer; }
.primary:hover { background: #083e6d; }
.secondary { min-height: 44px; padding: 0 14px; border: 1px solid #0a4f8a; border-radius: 8px; background: #ffffff; color: #0a4f8a; font: inherit; font-size: 15px; font-weight: 600; cursor: pointer; }
.secondary:hover { background: #eef4fa; }
.status { flex: none; margin: 0; padding: 8px 16px; background: #eef4fa; color: #1b3a57; font-size: 15px; border-bottom: 1px solid #d3dde7; }
.status:empty { padding: 0; border: 0; }
.log { flex: 1; min-height: 0; overflow-y: auto; padding: 12px 16px 4px; }
.msg { margin: 0 0 10px; max-width: 85%; }
.msg .who { display: block; font-size: 13px; color: #4a5561; margin-bottom: 2px; }
.msg .text { display: block; padding: 8px 12px; border-radius: 12px; background: #eceff3; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg time { display: block; font-size: 12px; color: #5a6570; margin-top: 2px; }
.msg.patient { margin-left: auto; text-align: right; }
.msg.patient .text { background: #0a4f8a; color: #ffffff; text-align: left; }
.msg.system { max-width: 100%; text-align: center; }
.msg.system .text { background: transparent; color: #3d4650; font-style: italic; padding: 2px 0; }
.pending:empty { display: none; }
.pending { padding: 0 16px 4px; }
.pending .msg { opacity: .75; }
.pending .msg.failed { opacity: 1; }
.pending .msg.failed .who { color: #b00020; font-weight: 600; }
.link-btn { border: 0; padding: 0; background: none; color: #0a4f8a; text-decoration: underline; font: inherit; font-size: 13px; cursor: pointer; }
.composer { flex: none; border-top: 1px solid #d3dde7; padding: 10px 16px 12px; }
.composer label { display: block; font-size: 14px; font-weight: 600; margin-bottom: 4px; }
.composer .row { display: flex; gap: 8px; align-items: flex-end; }
.composer textarea { min-height: 44px; max-height: 140px; resize: none; }
.hint { margin: 4px 0 0; font-size: 13px; color: #4a5561; }
.hint:empty { margin: 0; }
.footer { flex: none; display: flex; justify-content: flex-end; padding: 0 16px 12px; }
.closed-view { flex: none; padding: 14px 16px 16px; border-top: 1px solid #d3dde7; }
.closed-view p { margin: 0 0 14px; }
.closed-view a { color: #0a4f8a; font-weight: 600; }
.closed-view h3 { margin: 0 0 8px; font-size: 17px; }
@media (max-width: 480px) {
  .panel { top: 0; left: 0; right: 0; bottom: 0; width: 100%; height: 100%; height: 100dvh; max-height: none; border: 0; border-radius: 0; }
  .launcher { right: 12px; bottom: 12px; }
  .launcher[aria-expanded="true"] { display: none; } /* under the full-screen panel: keep it out of the Tab order */
  .msg { max-width: 92%; }
}
@media (prefers-reduced-motion: reduce) {
  .panel { transition: none; }
  .panel.entering { transform: none; opacity: 1; }
  .log { scroll-behavior: auto; }
}
@media (forced-colors: active) {
  .launcher, .panel, .primary, .secondary, .msg .text { border: 1px solid CanvasText; }
}
`;

  // ---------------------------------------------------------------- small helpers
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') node.textContent = v;
        else if (k === 'className') node.className = v;
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : v);
      }
    }
    (children || []).forEach((c) => { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function icon(d) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
    return svg;
  }
  const ICON_CHAT = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm3 6v2h10V9H7zm0 4v2h7v-2H7zm0-8v2h10V5H7z';
  const ICON_CLOSE = 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z';
  const chars = (s) => Array.from(s).length;
  let uid = 0;
  const nextId = (p) => 'fl-' + p + '-' + (++uid);

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null'); } catch (e) { return null; }
  }
  function save() {
    if (!state.token && !state.starting) return;
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({
        token: state.token, case_id: state.caseId, last_seq: state.maxSeq, lang: state.lang, open: state.open,
        pro: state.pro, emergency: state.emergencyText
      }));
    } catch (e) { /* storage full or blocked: the chat still works, only reload-resume is lost */ }
  }
  function forget() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
  }

  // ---------------------------------------------------------------- state
  const stored = load();
  const storedSeq = (stored && Number(stored.last_seq)) || 0;
  const state = {
    lang: pickLang((stored && stored.lang) || (script.getAttribute('data-lang') || '').trim().toLowerCase()),
    open: false,
    view: 'form', // form | chat | closed
    form: null, // the questions from the server, for state.lang
    formLang: null,
    localFlags: {}, // question id → answered yes to a red-flag question
    formValues: {}, // what the visitor has entered, kept when the form is drawn again in another language
    emergencyText: null, // the server's instructions
    token: null, caseId: null,
    maxSeq: 0, // highest seq rendered in this page
    seqs: [], // rendered seqs, ascending
    pro: null, queue: null, conn: 'idle', // idle | connecting | open | lost
    starting: null, // the start message until the server answers with a session
    sock: null, retries: 0, retryTimer: null, resuming: false, leaving: false, lastError: null,
    unread: 0
  };
  const t = () => TEXT[state.lang];

  // ---------------------------------------------------------------- DOM
  const host = document.createElement('firstline-chat');
  const shadow = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(el('style', { text: CSS })); // older browsers; needs style-src 'unsafe-inline' under a CSP
  }

  const ids = { panel: nextId('panel'), title: nextId('title'), hint: nextId('hint'), count: nextId('count') };
  const root = el('div', { className: 'root' });
  const launcherText = el('span', { text: '' });
  const badge = el('span', { className: 'badge', hidden: true, 'aria-hidden': 'true' });
  const launcher = el('button', {
    type: 'button', className: 'launcher', 'aria-expanded': 'false', 'aria-controls': ids.panel,
    onclick: () => (state.open ? closePanel(true) : openPanel(true))
  }, [icon(ICON_CHAT), launcherText, badge]);

  const title = el('h2', { id: ids.title, tabindex: '-1', className: 'focus-target' });
  const minimise = el('button', { type: 'button', className: 'icon-btn', onclick: () => closePanel(true) }, [icon(ICON_CLOSE)]);
  const emergency = el('div', { role: 'alert', className: 'emergency' });

  // form view
  const formView = el('div', { className: 'view form-view' });
  // chat view
  const status = el('p', { className: 'status', role: 'status', 'aria-live': 'polite' });
  const log = el('div', { className: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0' });
  const pending = el('div', { className: 'pending' });
  const input = el('textarea', { rows: '2', 'aria-describedby': ids.hint + ' ' + ids.count, autocomplete: 'off' });
  input.id = nextId('input');
  const inputLabel = el('label', { for: input.id });
  const sendBtn = el('button', { type: 'submit', className: 'primary' });
  const hint = el('p', { className: 'hint', id: ids.hint });
  const count = el('p', { className: 'hint', id: ids.count }); // characters left, near the limit (not live: it changes per key)
  const problem = el('p', { className: 'error', 'aria-live': 'polite' }); // why a line was not sent
  const composer = el('form', { className: 'composer', novalidate: true }, [
    inputLabel, el('div', { className: 'row' }, [input, sendBtn]), hint, count, problem
  ]);
  const leaveBtn = el('button', { type: 'button', className: 'secondary', onclick: leave });
  const footer = el('div', { className: 'footer' }, [leaveBtn]);
  // the end: the conversation stays readable above the closing notice
  const closedView = el('div', { className: 'closed-view', hidden: true });
  const chatView = el('div', { className: 'view chat-view', hidden: true }, [status, log, pending, composer, footer, closedView]);

  const panel = el('div', {
    id: ids.panel, className: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': ids.title, hidden: true
  }, [el('div', { className: 'header' }, [title, minimise]), emergency, el('div', { className: 'body' }, [formView, chatView])]);
  // announces new lines while the panel is closed (the log inside it is not rendered then)
  const announcer = el('div', { className: 'sr-only', role: 'status', 'aria-live': 'polite' });
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(announcer);
  shadow.appendChild(root);

  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.isComposing) { e.preventDefault(); closePanel(true); }
  });
  launcher.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.open) { e.preventDefault(); closePanel(true); }
  });

  function applyTexts() {
    const x = t();
    root.setAttribute('lang', state.lang);
    launcherText.textContent = x.launcher;
    launcher.setAttribute('aria-label', x.launcherLabel + (state.unread ? ', ' + x.unread(state.unread) : ''));
    title.textContent = x.title;
    minimise.setAttribute('aria-label', x.minimise);
    minimise.setAttribute('title', x.minimise);
    log.setAttribute('aria-label', x.log);
    inputLabel.textContent = x.message;
    sendBtn.textContent = x.send;
    hint.textContent = x.hint;
    leaveBtn.textContent = x.leave;
    renderEmergency();
    renderStatus();
  }

  // ---------------------------------------------------------------- panel open / close
  function openPanel(moveFocus) {
    if (!state.open) {
      state.open = true;
      panel.hidden = false;
      panel.classList.add('entering');
      requestAnimationFrame(() => requestAnimationFrame(() => panel.classList.remove('entering')));
      launcher.setAttribute('aria-expanded', 'true');
      state.unread = 0;
      badge.hidden = true;
      announcer.textContent = '';
      applyTexts();
      save();
    }
    if (state.view === 'form' && (!state.form || state.formLang !== state.lang)) loadForm();
    if (moveFocus) focusView();
  }
  function closePanel(returnFocus) {
    if (!state.open) return;
    state.open = false;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    save();
    if (returnFocus) launcher.focus();
  }
  function focusView() {
    let target = null;
    if (state.view === 'form') target = formView.querySelector('[data-first]') || null;
    else if (state.view === 'chat') target = input;
    else target = closedView.querySelector('a, button');
    (target || title).focus();
  }

  // ---------------------------------------------------------------- views
  function showView(name) {
    state.view = name;
    formView.hidden = name !== 'form';
    chatView.hidden = name === 'form';
    [status, pending, composer, footer].forEach((n) => { n.hidden = name !== 'chat'; });
    closedView.hidden = name !== 'closed';
    log.hidden = name === 'closed' && !log.children.length;
  }

  function renderEmergency() {
    const local = Object.keys(state.localFlags).some((k) => state.localFlags[k]);
    const text = state.emergencyText || (local ? t().localEmergency : null);
    const current = emergency.getAttribute('data-text');
    if (!text) {
      if (current !== null) { emergency.textContent = ''; emergency.removeAttribute('data-text'); }
      return;
    }
    if (current === text + '|' + state.lang) return; // unchanged: do not make screen readers repeat it
    emergency.textContent = '';
    emergency.setAttribute('data-text', text + '|' + state.lang);
    emergency.appendChild(el('p', null, [el('strong', { text: t().emergencyTitle }), text]));
    emergency.appendChild(el('a', { href: 'tel:112', text: t().call112 }));
  }

  function renderStatus() {
    const x = t();
    let text = '';
    if (state.view === 'chat') {
      if (state.conn === 'lost') text = x.reconnecting;
      else if (state.conn === 'connecting' && !state.token) text = x.connecting;
      else if (state.pro) text = x.joined(state.pro.display_name || x.professional, roleName(state.pro.role));
      else if (state.queue && state.queue.position) {
        text = x.queued(state.queue.position, waitText(state.queue.estimated_wait_s));
        if (state.queue.nurses_available === 0) text += ' ' + x.nobodyOnDuty;
      }
      else if (state.token) text = x.waiting;
      else text = x.connecting;
    }
    if (status.textContent !== text) status.textContent = text;
  }
  function roleName(role) {
    return t().roles[role] || t().professional;
  }
  function waitText(seconds) {
    const s = Number(seconds) || 0;
    return s < 60 ? t().lessMin : t().aboutMin(Math.round(s / 60));
  }

  // ---------------------------------------------------------------- the pre-information form
  async function loadForm() {
    const lang = state.lang;
    formView.textContent = '';
    formView.appendChild(el('div', { className: 'scroll' }, [el('p', { role: 'status', text: t().loading })]));
    try {
      const url = new URL(FORM_URL);
      url.searchParams.set('unit', UNIT);
      url.searchParams.set('lang', lang);
      const r = await fetch(url.toString(), { credentials: 'omit', headers: { Accept: 'application/json' } });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const form = await r.json();
      if (lang !== state.lang) return; // the language changed meanwhile; that load wins
      if (!form || !Array.isArray(form.questions)) throw new Error('bad form');
      state.form = form;
      state.formLang = lang;
      renderForm();
    } catch (e) {
      if (lang !== state.lang) return;
      formView.textContent = '';
      const retry = el('button', { type: 'button', className: 'secondary', text: t().retry, onclick: () => { loadForm(); } });
      formView.appendChild(el('div', { className: 'scroll' }, [el('p', { role: 'alert', className: 'error', text: t().formFailed }), retry]));
      if (state.open && panel.contains(shadow.activeElement)) retry.focus();
    }
  }

  function renderForm() {
    const x = t();
    const active = shadow.activeElement;
    const hadFocus = state.open && (active === title || formView.contains(active) || (!active && document.activeElement === document.body));
    const focusedLang = shadow.activeElement && shadow.activeElement.getAttribute && shadow.activeElement.getAttribute('data-role') === 'lang';
    formView.textContent = '';
    state.localFlags = {};
    const form = el('form', { className: 'form', novalidate: true });
    if (state.form.title) form.appendChild(el('h3', { text: state.form.title }));
    form.appendChild(el('p', { className: 'intro', text: x.intro }));

    const langSelect = el('select', { 'data-role': 'lang' });
    langSelect.id = nextId('lang');
    LANGS.forEach((l) => langSelect.appendChild(el('option', { value: l, lang: l, text: LANG_NAMES[l], selected: l === state.lang })));
    langSelect.addEventListener('change', () => {
      state.lang = pickLang(langSelect.value);
      applyTexts();
      loadForm().then(() => {
        const again = formView.querySelector('[data-role=lang]');
        if (again) again.focus();
      });
    });
    form.appendChild(el('div', { className: 'field' }, [el('label', { for: langSelect.id, text: x.language }), langSelect]));

    const fields = [];
    let first = null;
    state.form.questions.forEach((q) => {
      if (!q || typeof q.id !== 'string') return;
      const errId = nextId('err');
      const error = el('p', { className: 'error', id: errId });
      if (q.kind === 'yes_no') {
        const group = el('fieldset', { className: 'field' });
        const name = nextId('radio');
        const yes = el('input', { type: 'radio', name: name, value: 'yes', required: true, 'aria-describedby': errId });
        const no = el('input', { type: 'radio', name: name, value: 'no', required: true, 'aria-describedby': errId });
        const saved = state.formValues[q.id];
        if (saved === 'yes') yes.checked = true;
        if (saved === 'no') no.checked = true;
        if (q.red_flag && saved === 'yes') state.localFlags[q.id] = true;
        [yes, no].forEach((r) => r.addEventListener('change', () => {
          state.formValues[q.id] = yes.checked ? 'yes' : 'no';
          error.textContent = '';
          yes.removeAttribute('aria-invalid');
          no.removeAttribute('aria-invalid');
          if (q.red_flag) {
            state.localFlags[q.id] = yes.checked;
            renderEmergency();
          }
        }));
        group.appendChild(el('legend', null, [q.text || q.id, ' ', el('span', { className: 'req', text: x.required })]));
        group.appendChild(el('div', { className: 'choices' }, [
          el('label', null, [yes, el('span', { text: x.yes })]),
          el('label', null, [no, el('span', { text: x.no })])
        ]));
        group.appendChild(error);
        form.appendChild(group);
        fields.push({ q: q, kind: 'yes_no', yes: yes, no: no, error: error, focus: yes, group: group });
        if (!first) first = yes;
      } else {
        const id = nextId('q');
        const isReason = q.id === 'reason';
        const area = el('textarea', { id: id, rows: isReason ? '3' : '2', 'aria-describedby': errId, required: isReason });
        const label = el('label', { for: id }, [q.text || q.id].concat(isReason ? [' ', el('span', { className: 'req', text: x.required })] : []));
        if (typeof state.formValues[q.id] === 'string') area.value = state.formValues[q.id];
        area.addEventListener('input', () => {
          state.formValues[q.id] = area.value;
          error.textContent = '';
          area.removeAttribute('aria-invalid');
        });
        form.appendChild(el('div', { className: 'field' }, [label, area, error]));
        fields.push({ q: q, kind: 'text', area: area, error: error, focus: area, reason: isReason });
        if (!first || isReason && first.type === 'radio') first = area;
      }
    });
    const nameInput = el('input', { type: 'text', autocomplete: 'name', maxlength: '80' });
    nameInput.id = nextId('name');
    nameInput.value = state.formValues[' name'] || '';
    nameInput.addEventListener('input', () => { state.formValues[' name'] = nameInput.value; });
    form.appendChild(el('div', { className: 'field' }, [el('label', { for: nameInput.id, text: x.name }), nameInput]));
    form.appendChild(el('button', { type: 'submit', className: 'primary', text: x.start }));

    (first || langSelect).setAttribute('data-first', '');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      let invalid = null;
      let reason = '';
      const answers = {};
      fields.forEach((f) => {
        if (f.kind === 'yes_no') {
          if (!f.yes.checked && !f.no.checked) {
            f.error.textContent = x.answerThis;
            f.yes.setAttribute('aria-invalid', 'true');
            f.no.setAttribute('aria-invalid', 'true');
            invalid = invalid || f.focus;
          } else {
            answers[f.q.id] = f.yes.checked;
          }
        } else {
          const v = f.area.value.trim();
          if (f.reason) {
            if (!v) {
              f.error.textContent = x.describe;
              f.area.setAttribute('aria-invalid', 'true');
              invalid = invalid || f.area;
            } else if (chars(v) > MAX_LEN) {
              f.error.textContent = x.tooLong;
              f.area.setAttribute('aria-invalid', 'true');
              invalid = invalid || f.area;
            }
            reason = v;
          } else if (v) {
            answers[f.q.id] = v.slice(0, MAX_LEN);
          }
        }
      });
      if (invalid) { invalid.focus(); return; }
      startChat({ reason: reason, answers: answers }, nameInput.value.trim());
    });
    formView.appendChild(el('div', { className: 'scroll' }, [form]));
    renderEmergency();
    if (focusedLang) langSelect.focus();
    else if (hadFocus) (first || langSelect).focus();
  }

  // ---------------------------------------------------------------- conversation
  function startChat(form, displayName) {
    state.starting = { type: 'start', form: form, display_name: displayName };
    state.formValues = {};
    state.emergencyText = null;
    resetConversation();
    showView('chat');
    renderEmergency();
    renderStatus();
    input.focus();
    connect();
  }

  function resetConversation() {
    log.textContent = '';
    pending.textContent = '';
    state.seqs = [];
    state.maxSeq = 0;
    state.pro = null;
    state.queue = null;
    state.token = null;
    state.caseId = null;
    state.leaving = false;
    count.textContent = '';
    problem.textContent = '';
    input.value = '';
  }

  function connect() {
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    if (state.sock) return;
    const url = new URL(WS_BASE);
    url.searchParams.set('unit', UNIT);
    url.searchParams.set('lang', state.lang);
    let ws;
    try { ws = new WebSocket(url.toString()); } catch (e) { scheduleReconnect(); return; }
    state.sock = ws;
    if (state.conn !== 'lost') state.conn = 'connecting';
    renderStatus();
    ws.onopen = () => {
      if (state.sock !== ws) return;
      if (state.token) {
        state.resuming = true;
        ws.send(JSON.stringify({ type: 'resume', session_token: state.token, last_seq: state.maxSeq }));
      } else if (state.starting) {
        ws.send(JSON.stringify(state.starting));
      }
    };
    ws.onmessage = (e) => {
      if (state.sock !== ws) return;
      let data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (data && typeof data.type === 'string') handle(data);
    };
    ws.onclose = (e) => {
      if (state.sock !== ws) return;
      state.sock = null;
      if (state.view !== 'chat') return;
      if (state.leaving) { finish(null, null); return; }
      if (FATAL_CLOSE.indexOf(e.code) >= 0 || (e.code >= 4000 && e.code < 5000)) {
        // refused for cause (unknown unit, bad session, rate limit…): retrying would not help
        finish(null, state.lastError || t().sessionLost);
        return;
      }
      pending.querySelectorAll('.msg:not(.failed)').forEach(markFailed);
      state.conn = 'lost';
      renderStatus();
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (state.retryTimer || state.view !== 'chat') return;
    const delay = Math.min(1000 * Math.pow(2, state.retries), BACKOFF_MAX_MS);
    state.retries += 1;
    state.retryTimer = setTimeout(() => { state.retryTimer = null; connect(); }, delay);
  }
  window.addEventListener('online', () => {
    if (state.view === 'chat' && !state.sock && !state.leaving) { state.retries = 0; connect(); }
  });

  function connected() {
    state.retries = 0;
    state.resuming = false;
    if (state.conn !== 'open') { state.conn = 'open'; }
  }

  function handle(m) {
    switch (m.type) {
      case 'session':
        connected();
        state.lastError = null;
        problem.textContent = '';
        state.token = String(m.session_token || '');
        state.caseId = m.case_id || null;
        state.starting = null;
        save();
        break;
      case 'emergency':
        connected();
        state.emergencyText = String(m.instructions || t().localEmergency);
        renderEmergency();
        save();
        break;
      case 'queued':
        connected();
        state.queue = { position: m.position, estimated_wait_s: m.estimated_wait_s, nurses_available: m.nurses_available };
        break;
      case 'joined':
        connected();
        state.pro = {
          display_name: String((m.professional && m.professional.display_name) || ''),
          role: String((m.professional && m.professional.role) || '')
        };
        save();
        break;
      case 'message':
        connected();
        addMessage(m);
        break;
      case 'closed':
        finish(m.survey_url, null);
        return;
      case 'error':
        if (state.resuming || (!state.token && !state.starting)) {
          // the stored session is gone (expired, closed or unknown): start over rather than loop
          finish(null, m.detail ? String(m.detail) : t().sessionLost);
          return;
        }
        state.lastError = String(m.detail || '');
        failOldestPending(state.lastError);
        break;
      default:
        return;
    }
    renderStatus();
  }

  function addMessage(m) {
    const seq = Number(m.seq);
    if (!Number.isFinite(seq) || state.seqs.indexOf(seq) >= 0) return; // never the same line twice
    const from = m.from === 'patient' || m.from === 'professional' ? m.from : 'system';
    const text = String(m.text || '');
    if (from === 'patient') settlePending(text);
    const x = t();
    const who = from === 'patient' ? x.you : from === 'professional' ? (state.pro && state.pro.display_name) || x.professional : x.notice;
    const node = el('div', { className: 'msg ' + from, 'data-seq': String(seq) }, [
      el('span', { className: 'who', text: who + ':' }), el('span', { className: 'text', text: text })
    ]);
    const at = m.at ? new Date(m.at) : null;
    if (at && !isNaN(at.getTime())) {
      node.appendChild(el('time', { datetime: at.toISOString(), text: at.toLocaleTimeString(LOCALE[state.lang], { hour: '2-digit', minute: '2-digit' }) }));
    }
    // insert in seq order (replays after a reconnect may interleave with what is already shown)
    let i = state.seqs.length;
    while (i > 0 && state.seqs[i - 1] > seq) i -= 1;
    const before = i < state.seqs.length ? log.querySelector('[data-seq="' + state.seqs[i] + '"]') : null;
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    log.insertBefore(node, before);
    state.seqs.splice(i, 0, seq);
    if (seq > state.maxSeq) state.maxSeq = seq;
    if (nearBottom || from === 'patient') log.scrollTop = log.scrollHeight;
    if (!state.open && from !== 'patient' && seq > storedSeq) {
      state.unread += 1;
      badge.textContent = String(state.unread);
      badge.hidden = false;
      announcer.textContent = t().launcherLabel + ': ' + t().unread(state.unread);
      applyTexts();
    }
    save();
  }

  // ---------------------------------------------------------------- sending
  composer.addEventListener('submit', (e) => { e.preventDefault(); sendFromInput(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendFromInput();
    }
  });
  input.addEventListener('input', () => {
    const n = chars(input.value);
    const text = n > MAX_LEN - 200 ? t().left(Math.max(0, MAX_LEN - n)) : '';
    if (count.textContent !== text) count.textContent = text;
    if (n > MAX_LEN) {
      if (problem.textContent !== t().tooLong) problem.textContent = t().tooLong;
      input.setAttribute('aria-invalid', 'true');
    } else if (input.hasAttribute('aria-invalid')) {
      input.removeAttribute('aria-invalid');
      problem.textContent = '';
    }
  });

  function sendFromInput() {
    const text = input.value.trim();
    if (!text) return;
    if (chars(text) > MAX_LEN) {
      problem.textContent = t().tooLong;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    if (!send(text)) {
      problem.textContent = t().offline;
      return;
    }
    input.value = '';
    count.textContent = '';
    problem.textContent = '';
  }
  function send(text) {
    const ws = state.sock;
    if (!ws || ws.readyState !== WebSocket.OPEN || !state.token) return false;
    ws.send(JSON.stringify({ type: 'message', text: text }));
    // shown as "sending…" outside the live log until the server echoes it with its seq
    const node = el('div', { className: 'msg patient', 'data-text': text }, [
      el('span', { className: 'who', text: t().you + ' – ' + t().sending }), el('span', { className: 'text', text: text })
    ]);
    pending.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return true;
  }
  function settlePending(text) {
    const items = Array.from(pending.children);
    const match = items.find((n) => n.getAttribute('data-text') === text.trim()) || items[0];
    if (match) match.remove();
  }
  function markFailed(node) {
    node.classList.add('failed');
    const text = node.getAttribute('data-text');
    const who = node.querySelector('.who');
    who.textContent = t().notSent + ' ';
    who.appendChild(el('button', {
      type: 'button', className: 'link-btn', text: t().resend,
      onclick: () => { if (send(text)) node.remove(); else problem.textContent = t().offline; }
    }));
  }

  function failOldestPending(detail) {
    // the server handles frames in order, so an error while a line is on its way is about that line
    const node = pending.querySelector('.msg:not(.failed)');
    if (node) markFailed(node);
    if (detail) problem.textContent = detail;
  }

  // ---------------------------------------------------------------- leaving and the end
  function leave() {
    state.leaving = true;
    const ws = state.sock;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'leave' }));
      setTimeout(() => { if (state.view === 'chat') finish(null, null); }, 3000); // the server normally answers "closed"
    } else {
      finish(null, null);
    }
  }

  function finish(surveyUrl, problem) {
    const hadFocus = panel.contains(shadow.activeElement);
    state.leaving = true;
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    const ws = state.sock;
    state.sock = null;
    if (ws) { try { ws.close(1000); } catch (e) { /* already closed */ } }
    state.token = null;
    state.starting = null;
    state.conn = 'idle';
    forget();
    pending.querySelectorAll('.msg').forEach((n) => n.remove());
    const x = t();
    closedView.textContent = '';
    const box = el('div');
    box.appendChild(el('h3', { text: problem ? x.sessionLost : x.closed }));
    announcer.textContent = problem ? x.sessionLost : x.closed;
    if (problem && problem !== x.sessionLost) box.appendChild(el('p', { text: problem }));
    const survey = safeUrl(surveyUrl);
    if (survey) {
      box.appendChild(el('p', null, [el('a', { href: survey, target: '_blank', rel: 'noopener noreferrer' }, [
        x.survey + ' ', el('span', { className: 'req', text: x.newWindow })
      ])]));
    }
    box.appendChild(el('button', { type: 'button', className: 'primary', text: x.newChat, onclick: newChat }));
    closedView.appendChild(box);
    showView('closed');
    renderStatus();
    if (state.open && hadFocus) focusView();
  }
  function safeUrl(u) {
    if (!u) return null;
    try {
      const url = new URL(String(u), BASE);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
    } catch (e) { return null; }
  }
  function newChat() {
    resetConversation();
    state.emergencyText = null;
    state.localFlags = {};
    state.formValues = {};
    renderEmergency();
    showView('form');
    state.form = null;
    loadForm();
    title.focus();
  }

  // ---------------------------------------------------------------- start
  function mount() {
    document.body.appendChild(host);
    applyTexts();
    if (stored && stored.token) {
      // a chat of this tab is in progress: carry on (the server replays every line)
      state.token = String(stored.token);
      state.caseId = stored.case_id || null;
      state.pro = stored.pro || null;
      state.emergencyText = stored.emergency || null;
      showView('chat');
      renderEmergency();
      connect();
      if (stored.open) openPanel(false);
    }
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  window.FirstlineWidget = Object.freeze({
    open: () => openPanel(true),
    close: () => closePanel(true)
  });
})();
