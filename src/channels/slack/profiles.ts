// A Slack user's verified e-mail (their identity here), their name and their client's language, asked of
// users.info and kept a few minutes for the busiest people (bounded: a large workspace cannot grow it).
import { LRUCache } from 'lru-cache';
import type { webApi } from '@slack/bolt';
import type { Wording } from '../../ports/catalogue.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Logger } from '../../ports/logger.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface Profile {
  email?: string;
  lang: Lang;
  /** How Slack shows them (display name, else full name, else username): what tickets call a staff member. */
  name?: string;
}

export class Profiles {
  private readonly cache = new LRUCache<string, Profile>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(
    private readonly words: Wording,
    private readonly log: Logger,
  ) {}

  async of(client: WebClient, user: string): Promise<Profile> {
    const hit = this.cache.get(user);
    if (hit) return hit;
    try {
      const info = await client.users.info({ user, include_locale: true });
      const email = info.user?.profile?.email?.toLowerCase();
      const name = info.user?.profile?.display_name || info.user?.profile?.real_name || info.user?.real_name || info.user?.name;
      const profile = { ...(email ? { email } : {}), ...(name ? { name } : {}), lang: this.words.langOfLocale(info.user?.locale) };
      this.cache.set(user, profile);
      return profile;
    } catch (err) {
      this.log.warn('users.info failed; treating the person as unverified', { user, err });
      return { lang: 'en' };
    }
  }
}
