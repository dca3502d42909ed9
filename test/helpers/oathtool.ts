// Codes from Debian's oathtool: an independent TOTP implementation to hold ours to.
import { execFileSync } from 'node:child_process';

export function oathtoolCode(secret: string, atMs: number): string {
  const when = new Date(atMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return execFileSync('oathtool', ['--totp', '-b', '--now', when, secret], { encoding: 'utf8' }).trim();
}
