// A channel's slice of the configuration, from one table: each setting's name in the code, the
// environment key it is read from, the schema it is read with, and, for a key the channel owns, the
// key's rule. The rules join the environment schema (src/config.ts takes them from the registry), so
// a bad key stops the start with one line naming it, as every other key does; the slice reads what passed.
import { z } from 'zod';

/** name in the code → [environment key, schema of the parsed value, the key's rule when the channel owns it] */
export type SettingsTable = Record<string, readonly [key: string, schema: z.ZodType, rule?: z.ZodType]>;

export type SettingsOf<T extends SettingsTable> = { [N in keyof T]: z.output<T[N][1]> };

/** A rule across a channel's keys that failed: the key to name and what it expects. */
export interface KeyProblem {
  key: string;
  expected: string;
}

/** The zod slice that reads `table`'s keys from the configuration and answers them by name. */
export function settingsSlice<T extends SettingsTable>(table: T) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.values(table)) shape[key] = schema;
  return z.object(shape).transform((read) => {
    const out: Record<string, unknown> = {};
    for (const [name, [key]] of Object.entries(table)) out[name] = read[key];
    return out as SettingsOf<T>;
  });
}

/** The environment keys `table` owns, each with its rule (for ChannelPlugin.keys). */
export function ownKeys(table: SettingsTable): Record<string, z.ZodType> {
  const rules: Record<string, z.ZodType> = {};
  for (const [key, , rule] of Object.values(table)) if (rule) rules[key] = rule;
  return rules;
}

/** An http(s) URL setting. */
export const httpUrlRule = (key: string) => z.url({ protocol: /^https?$/, error: `${key}: an http(s) URL` });
