// The web chat page: the conversation, the message bar and the language buttons.
import { sendTurn, poll, reveal } from './chat.ts';
import { hideCodes } from './codes.ts';
import { bubble } from './dom.ts';
import type { ChatPage } from './page.ts';
import { working } from './working.ts';
import { isLang, LANGS, readWords, type Lang } from './words.ts';

function initialLang(): Lang {
  const stored = localStorage.getItem('lang');
  if (isLang(stored)) return stored;
  return LANGS.find((lang) => (navigator.language || '').toLowerCase().startsWith(lang)) ?? LANGS[0];
}

function setLang(page: ChatPage, next: Lang): void {
  page.lang = next;
  localStorage.setItem('lang', next);
  document.documentElement.lang = next;
  // The markup names its words (data-i18n); a name the catalogues lack keeps the text it has.
  const words: Partial<Record<string, string>> = page.words[next];
  for (const b of document.querySelectorAll<HTMLElement>('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === next));
  for (const e of document.querySelectorAll<HTMLElement>('[data-i18n]')) e.textContent = words[e.dataset.i18n ?? ''] ?? e.textContent;
  for (const e of document.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) e.placeholder = words[e.dataset.i18nPlaceholder ?? ''] ?? e.placeholder;
}

function start(): void {
  const onPhone = (matchMedia('(pointer: coarse)').matches || /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent)) && matchMedia('(max-width: 820px)').matches;
  const page: ChatPage = {
    log: document.getElementById('log') as HTMLElement,
    scroller: document.getElementById('scroller') as HTMLElement,
    words: readWords(),
    lang: initialLang(),
    onPhone,
    busy: false,
    awaiting: null,
    send: (event) => void sendTurn(page, work, event),
  };
  const work = working(page);
  const form = document.getElementById('say') as HTMLFormElement;
  const input = document.getElementById('text') as HTMLInputElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() || page.busy) return;
    input.value = '';
    bubble(page.log, 'me').textContent = page.awaiting === 'code' ? hideCodes(text) : text;
    reveal(page);
    page.send({ type: 'text', text });
  });
  for (const b of document.querySelectorAll<HTMLElement>('[data-lang]')) {
    b.addEventListener('click', () => {
      const next = b.dataset.lang;
      if (!isLang(next) || next === page.lang) return;
      setLang(page, next);
      page.send({ type: 'repeat' });
    });
  }
  setLang(page, page.lang);
  page.send({ type: 'resume' });
  setTimeout(() => void poll(page), 2000);
}

start();
