// "1wd" → "1 working day", in the person's language: how long support takes to answer.
import { catalogues, render, type Lang } from './index.ts';

export function responseTime(setting: string, lang: Lang): string {
  const m = /^(\d+)(h|d|wd)$/.exec(setting);
  if (!m) return setting;
  const n = Number(m[1]);
  const plural = render(catalogues[lang].web[`unit_${m[2] as 'h' | 'd' | 'wd'}`], { n });
  if (n !== 1) return plural;
  const one: Record<Lang, Record<string, string>> = {
    en: { h: '1 hour', d: '1 day', wd: '1 working day' },
    sv: { h: '1 timme', d: '1 dag', wd: '1 arbetsdag' },
  };
  return one[lang][m[2] as string] ?? plural;
}
