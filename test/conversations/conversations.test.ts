// Every conversation test (test/conversations/*.yaml) as a test of its own, through the real engine,
// understanding and checks with the embedded demo backend and a simulated clock (docs/flows.md,
// "Conversation tests"). A failure prints each expectation that did not hold, with the transcript.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationFiles } from '../../src/conversation-tests/format.ts';
import { formatOutcome, runConversationFile, worldFromFolder } from '../../src/conversation-tests/suite.ts';

const dir = import.meta.dirname;
const files = conversationFiles(dir);
const world = worldFromFolder(path.join(dir, '../../flows'));

describe('conversation tests', () => {
  it('has conversations to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files.map((f) => [path.basename(f), f] as const))('%s', async (_name, file) => {
    const outcome = await runConversationFile(world, file);
    expect(outcome.failures, formatOutcome(outcome)).toEqual([]);
  });
});
