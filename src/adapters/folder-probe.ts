// Whether the folders a replica writes its own files to (tickets, the demo's mailbox) can take a
// write now: a full or read-only disk there fails the probe, so /healthz can say so. On PostgreSQL
// nothing else tells: the store is elsewhere and answers.
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Writes, syncs and removes a small file in each folder; rejects with the first that cannot take it. */
export async function probeWritable(folders: readonly string[]): Promise<void> {
  for (const folder of folders) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, `.write-probe-${process.pid}`);
    const handle = await open(file, 'w', 0o600);
    try {
      // A page of data: an empty file needs only an inode, which a full disk may still have.
      await handle.write(Buffer.alloc(4096));
      await handle.sync();
    } finally {
      await handle.close();
      await unlink(file).catch(() => undefined);
    }
  }
}
