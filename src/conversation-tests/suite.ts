// Runs every conversation test in a folder (`flows test --conversations`): each file through the
// real engine on the shipped or given flows, and a report of what failed, with its transcript.
import { loadFlowsOrThrow } from '../flows/loader.ts';
import { trainUnderstanding } from '../understanding/training.ts';
import type { CentreWords } from '../flows/words.ts';
import { conversationFiles, loadConversationTest } from './format.ts';
import { conversationWorld, runConversationTest, type ConversationWorld, type TestOutcome } from './run.ts';

/** The centre's words as a fresh install has them: conversation tests are written against these. */
export const TEST_WORDS: CentreWords = {
  centre: 'UPPMAX',
  enrollment_url: 'https://suprintegration.uppmax.uu.se/bootstrapotp/',
  identity_service: 'SUPR',
  support_url: 'https://www.uppmax.uu.se/support/',
  support_email: 'support@uppmax.uu.se',
  privacy_url: 'https://www.uppmax.uu.se/privacy/',
  time_check_url: 'https://time.is/',
  public_url: 'http://localhost:8080',
  response_time: '1wd',
};

export function worldFromFolder(flowsDir: string): ConversationWorld {
  const { flows, intents } = loadFlowsOrThrow(flowsDir);
  return conversationWorld(flows, trainUnderstanding(flows, intents), TEST_WORDS);
}

export interface FileOutcome extends TestOutcome {
  file: string;
}

export async function runConversationFile(world: ConversationWorld, file: string): Promise<FileOutcome> {
  const loaded = loadConversationTest(file);
  if (!loaded.test) return { file, name: file, failures: [`cannot read the test: ${loaded.problem}`], transcript: [] };
  return { file, ...(await runConversationTest(world, loaded.test)) };
}

export async function runConversationFolder(world: ConversationWorld, dir: string): Promise<FileOutcome[]> {
  const out: FileOutcome[] = [];
  for (const file of conversationFiles(dir)) out.push(await runConversationFile(world, file));
  return out;
}

export function formatOutcome(o: FileOutcome): string {
  if (!o.failures.length) return `ok    ${o.file}: ${o.name}\n`;
  return [`FAIL  ${o.file}: ${o.name}`, ...o.failures.map((f) => `  ✗ ${f}`), '  transcript:', ...o.transcript.map((l) => `    ${l}`), ''].join('\n') + '\n';
}
