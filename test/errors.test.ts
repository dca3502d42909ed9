// One way to fail: the code of anything thrown, and what a boundary answers for it.
import { describe, expect, it } from 'vitest';
import { asHelpdeskError, describeError, errorCode, ERROR_CODES, exitStatus, HelpdeskError, httpStatus, isHelpdeskError, LOG_CODES } from '../src/errors.ts';
import { createLogger } from '../src/adapters/logger.ts';

describe('errors', () => {
  it('gives the code of a HelpdeskError, a known code carried by another error, else internal', () => {
    expect(errorCode(new HelpdeskError('store.conflict', 'saved by another turn'))).toBe('store.conflict');
    expect(errorCode(Object.assign(new Error('x'), { code: 'upstream.timeout' }))).toBe('upstream.timeout');
    // A library's own code (ECONNREFUSED) is not one of ours: logged as a bug until it is wrapped.
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('internal');
    expect(errorCode('a string')).toBe('internal');
  });

  it('keeps one list: every error code is a log code, and no code twice', () => {
    for (const c of ERROR_CODES) expect(LOG_CODES).toContain(c);
    expect(new Set(LOG_CODES).size).toBe(LOG_CODES.length);
  });

  it('wraps anything thrown once, keeping the cause and a HelpdeskError as it is', () => {
    const cause = new Error('socket hang up');
    const wrapped = asHelpdeskError(cause, 'upstream.unavailable', 'LDAP_URL ldap://127.0.0.1:1');
    expect(wrapped.code).toBe('upstream.unavailable');
    expect(wrapped.message).toBe('LDAP_URL ldap://127.0.0.1:1: socket hang up');
    expect(wrapped.cause).toBe(cause);
    expect(asHelpdeskError(wrapped, 'internal')).toBe(wrapped);
    expect(isHelpdeskError(wrapped, 'upstream.unavailable')).toBe(true);
    expect(isHelpdeskError(wrapped, 'upstream.timeout')).toBe(false);
  });

  it('answers a status a boundary can give: HTTP for the web, an exit status for the command', () => {
    expect(httpStatus(new HelpdeskError('input.too-large', 'the body is larger than 16384 bytes'))).toBe(413);
    expect(httpStatus(new HelpdeskError('request.limited', 'too many'))).toBe(429);
    expect(httpStatus(new HelpdeskError('engine.fault', 'a bug'))).toBe(500);
    expect(httpStatus(new Error('a bug'))).toBe(500);
    expect(exitStatus(new HelpdeskError('input.invalid', '--lang must be en or sv'))).toBe(2);
    expect(exitStatus(new HelpdeskError('config.invalid', 'PORT: expected a number'))).toBe(2);
    expect(exitStatus(new HelpdeskError('internal', 'a bug'))).toBe(1);
    expect(exitStatus(new Error('a bug'))).toBe(1);
  });

  it('carries the catalogue key of what a person is told, apart from the operator message', () => {
    const e = new HelpdeskError('request.limited', 'turnsPerSession: 30 a minute from one session', { say: 'web_too_many' });
    expect(e.say).toBe('web_too_many');
    expect(e.message).toContain('turnsPerSession');
  });

  it('never repeats the credentials of a URL: not in an error, a wrapped library error, nor a log line (personal data on or off)', async () => {
    const url = 'http://api:Pa55w0rdZq@127.0.0.1:9/v1/';
    const fetched = await fetch(`${url}accounts/alice`).then(() => undefined, (e: unknown) => e);
    expect(String((fetched as Error).message)).toContain('Pa55w0rdZq');
    expect(describeError(fetched)).not.toContain('Pa55w0rdZq');
    expect(describeError(fetched)).toContain('http://***@127.0.0.1:9/');
    expect(asHelpdeskError(fetched, 'upstream.unavailable').message).not.toContain('Pa55w0rdZq');
    expect(new HelpdeskError('config.invalid', `cannot reach ${url}`).message).toBe('cannot reach http://***@127.0.0.1:9/v1/');
    for (const personalData of [false, true]) {
      let out = '';
      const log = createLogger('info', (line) => (out += line), {}, { personalData });
      log.warn(`upstream ${url} failed`, { detail: `GET ${url}`, err: fetched as Error, user: url });
      expect(out).not.toContain('Pa55w0rdZq');
    }
  });
});
