// The web chat. Everything shown comes from the server as data and is put on the page with
// textContent, so nothing a person (or an upstream) typed can become markup.
'use strict';
(() => {
  // The page's words, both languages, from the server's catalogues (a JSON block, not a script).
  const WORDS = JSON.parse(document.getElementById('words').textContent);
  const MARK = { pass: '✔', warn: '!', fail: '✘', unknown: '?' };
  const log = document.getElementById('log');
  const scroller = document.getElementById('scroller');
  // A phone or tablet: the clock check measures right here instead of showing a QR code to scan.
  const onPhone = (matchMedia('(pointer: coarse)').matches || /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent)) && matchMedia('(max-width: 820px)').matches;
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  const form = document.getElementById('say');
  const input = document.getElementById('text');
  let lang = localStorage.getItem('lang') || ((navigator.language || '').toLowerCase().startsWith('sv') ? 'sv' : 'en');
  let busy = false;
  let awaiting = null; // the kind of answer the last prompt asked for

  function setLang(next) {
    lang = next;
    localStorage.setItem('lang', lang);
    document.documentElement.lang = lang;
    for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = WORDS[lang][el.dataset.i18n];
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = WORDS[lang][el.dataset.i18nPlaceholder];
  }

  // The server's rule for what a code is (src/understanding/codes.ts, CODE_RUN): 6 to 8 decimal digits of
  // any script, alone or with a space, dot, dash or en dash between them, not part of a longer run;
  // an IPv4 address is not a code.
  const CODE_RUN = /(?<!\p{Nd}(?:\s?[.\-\u2013]\s?|\s)?)\p{Nd}(?:(?:\s?[.\-\u2013]\s?|\s)?\p{Nd}){5,7}(?!(?:\s?[.\-\u2013]\s?|\s)?\p{Nd})/gu;
  const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
  const hideCodes = (text) => text.replace(CODE_RUN, (m) => (IPV4.test(m) ? m : '••••••'));

  function bubble(cls) {
    const div = document.createElement('div');
    div.className = `msg ${cls || ''}`.trim();
    log.append(div);
    return div;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch {
      return null;
    }
  }

  /** A button-styled link that opens the clock check on the device at hand. */
  function measureHereButton(url, label) {
    const here = document.createElement('a');
    here.href = url;
    here.target = '_blank';
    here.rel = 'noopener';
    here.className = 'btn clock-here';
    here.textContent = label;
    const wrap = document.createElement('div');
    wrap.className = 'choices';
    wrap.append(here);
    return wrap;
  }

  function disableOldChoices() {
    for (const b of log.querySelectorAll('.choices button')) b.disabled = true;
  }

  function render(reply) {
    switch (reply.kind) {
      case 'text':
      case 'prompt':
        if (reply.topic) {
          // The topic just started: a heading in the conversation, not something the bot asks.
          const h = document.createElement('h2');
          h.className = 'topic';
          h.textContent = reply.text;
          log.append(h);
          break;
        }
        if (reply.staff) {
          // Written by a person of the support team: their own bubble, the first line saying who.
          const div = bubble('staff');
          const [from, ...rest] = reply.text.split('\n');
          const who = document.createElement('strong');
          who.className = 'staff-from';
          who.textContent = from;
          div.append(who, document.createTextNode(`\n${rest.join('\n')}`));
          break;
        }
        bubble(reply.notice ? 'notice' : '').textContent = reply.text;
        if (reply.kind === 'prompt') awaiting = reply.input;
        break;
      case 'finding': {
        const div = bubble('finding');
        div.dataset.status = reply.status;
        div.dataset.code = reply.code;
        const mark = document.createElement('span');
        mark.className = 'mark';
        mark.setAttribute('aria-hidden', 'true');
        mark.textContent = MARK[reply.status] || '?';
        const text = document.createElement('span');
        text.textContent = reply.text;
        div.append(mark, text);
        break;
      }
      case 'choices': {
        awaiting = null;
        disableOldChoices();
        const div = bubble('');
        const p = document.createElement('div');
        p.textContent = reply.prompt;
        const list = document.createElement('div');
        list.className = 'choices';
        for (const c of reply.choices) {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = c.label;
          b.addEventListener('click', () => {
            if (busy) return;
            disableOldChoices();
            bubble('me').textContent = c.label;
            send({ type: 'choice', id: c.id });
          });
          list.append(b);
        }
        div.append(p, list);
        break;
      }
      case 'link': {
        const url = safeUrl(reply.url);
        const div = bubble('');
        if (!url) { div.textContent = reply.label; break; }
        const a = document.createElement('a');
        a.href = url;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        a.textContent = reply.label;
        div.append(a);
        break;
      }
      case 'clock':
        if (onPhone || reply.local) {
          // Someone already on a phone measures it right here; a link only this computer can open is no use to a phone.
          const url = safeUrl(reply.url || '');
          const div = bubble('');
          if (reply.local && !onPhone) {
            const p = document.createElement('div');
            p.className = 'local-note';
            p.textContent = WORDS[lang].local;
            div.append(p);
          }
          if (url) div.append(measureHereButton(url, onPhone ? WORDS[lang].measureHere : WORDS[lang].thisDevice));
          break;
        }
      // falls through: on a computer, the QR code for the phone
      case 'image': {
        const div = bubble('');
        const p = document.createElement('div');
        p.textContent = reply.kind === 'clock' ? WORDS[lang].scan : reply.alt;
        div.append(p);
        if (typeof reply.qr === 'string' && reply.qr.startsWith('data:image/png;base64,')) {
          const img = document.createElement('img');
          img.className = 'qr';
          img.src = reply.qr;
          img.alt = reply.kind === 'clock' ? reply.url : reply.alt;
          div.append(img);
        }
        const url = safeUrl(reply.url || '');
        if (url) {
          const a = document.createElement('a');
          a.href = url;
          a.rel = 'noopener noreferrer';
          a.textContent = url;
          a.className = 'clock-link';
          div.append(a);
          if (reply.kind === 'clock') div.append(measureHereButton(url, WORDS[lang].thisDevice));
        }
        break;
      }
      case 'handover': {
        // A card of its own: what happened, the reference as one chip that never breaks and can be
        // copied, and what happens next (the sentence says when to expect an answer).
        const div = bubble(`handover${reply.urgent ? ' urgent' : ''}`);
        div.dataset.ticket = reply.ticket || '';
        const title = document.createElement('div');
        title.className = 'handover-title';
        title.textContent = WORDS[lang].handedOver;
        const p = document.createElement('p');
        const parts = reply.ticket ? reply.text.split(reply.ticket) : [reply.text];
        parts.forEach((part, i) => {
          if (i) p.append(refChip(reply.ticket));
          p.append(part);
        });
        div.append(title, p);
        if (reply.ticket) div.append(copyButton(reply.ticket));
        break;
      }
    }
  }

  function refChip(ticket) {
    const chip = document.createElement('span');
    chip.className = 'ref-chip';
    chip.textContent = ticket;
    return chip;
  }

  function copyButton(ticket) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn copy-ref';
    b.textContent = `${WORDS[lang].copy} ${ticket}`;
    b.addEventListener('click', () => {
      navigator.clipboard?.writeText(ticket).then(() => (b.textContent = WORDS[lang].copied), () => {});
    });
    return b;
  }

  async function send(event) {
    busy = true;
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event, lang }),
        credentials: 'same-origin',
      });
      if (res.status === 429) {
        bubble('notice').textContent = WORDS[lang].slow;
        return;
      }
      if (!res.ok) throw new Error(String(res.status));
      const body = await res.json();
      renderAll(body.replies);
    } catch {
      bubble('notice').textContent = WORDS[lang].error;
    } finally {
      busy = false;
      reveal();
    }
  }

  /** The newest message comes into view (the start of it, if it is taller than the screen). */
  function reveal() {
    const last = log.lastElementChild;
    if (!last) return;
    const behavior = reducedMotion.matches ? 'auto' : 'smooth';
    const tall = last.getBoundingClientRect().height > scroller.clientHeight;
    last.scrollIntoView({ block: tall ? 'start' : 'end', behavior });
  }

  function renderAll(replies) {
    for (const r of replies) render(r);
  }

  // Answers that arrive on their own (a phone's clock measurement, a watch notice) come as soon as
  // they exist: the server holds the poll open until one does, for up to 25 seconds.
  async function poll() {
    let next = 2000;
    if (document.visibilityState === 'visible' && !busy) {
      try {
        const asked = Date.now();
        const res = await fetch('/api/chat/poll?wait=25', { credentials: 'same-origin' });
        if (res.ok) {
          const replies = (await res.json()).replies;
          if (replies.length) {
            renderAll(replies);
            reveal();
          }
          // Asked again at once after a held poll; a server too busy to hold one is asked less often.
          next = replies.length || Date.now() - asked > 1000 ? 100 : 2000;
        }
      } catch {
        /* the next poll tries again */
      }
    }
    setTimeout(poll, next);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() || busy) return;
    input.value = '';
    // A code stays off the screen once sent, like a password field.
    bubble('me').textContent = awaiting === 'code' ? hideCodes(text) : text;
    reveal();
    send({ type: 'text', text });
  });
  for (const b of document.querySelectorAll('[data-lang]')) {
    b.addEventListener('click', () => {
      if (b.dataset.lang === lang) return;
      setLang(b.dataset.lang);
      send({ type: 'repeat' });
    });
  }
  setLang(lang);
  send({ type: 'resume' });
  setTimeout(poll, 2000);
})();
