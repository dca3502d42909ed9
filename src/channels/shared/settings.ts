// A channel's slice of the configuration, from one table: each setting's name in the code, the
// environment key it is read from and the key's zod schema. The keys' rules are checked with the
// rest of the environment in src/config.ts, which names each bad key; a slice reads what passed.
import { z } from 'zod';

/** name in the code → [environment key, schema] */
export type SettingsTable = Record<string, readonly [key: string, schema: z.ZodType]>;

export type SettingsOf<T extends SettingsTable> = { [N in keyof T]: z.output<T[N][1]> };

/** The zod slice that reads `table`'s keys from the environment and answers them by name. */
export function settingsSlice<T extends SettingsTable>(table: T) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.values(table)) shape[key] = schema;
  return z.object(shape).transform((read) => {
    const out: Record<string, unknown> = {};
    for (const [name, [key]] of Object.entries(table)) out[name] = read[key];
    return out as SettingsOf<T>;
  });
}
