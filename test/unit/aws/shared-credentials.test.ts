import { describe, expect, it } from 'vitest';
import { sharedUntilExpiry } from '../../../src/aws/clients.js';

const creds = (id: string, expiration?: Date) => ({ accessKeyId: id, secretAccessKey: 'fake', ...(expiration ? { expiration } : {}) });

describe('sharedUntilExpiry', () => {
  it('asks the provider once for any number of clients, also concurrently', async () => {
    let calls = 0;
    const shared = sharedUntilExpiry(async () => creds(`key-${++calls}`, new Date(Date.now() + 3600_000)));
    const got = await Promise.all([shared(), shared(), shared()]);
    expect(got.map((c) => c.accessKeyId)).toEqual(['key-1', 'key-1', 'key-1']);
    expect(await shared()).toMatchObject({ accessKeyId: 'key-1' });
    expect(calls).toBe(1);
  });

  it('renews credentials within five minutes of their expiry', async () => {
    let now = 1_000_000;
    let calls = 0;
    const shared = sharedUntilExpiry(async () => creds(`key-${++calls}`, new Date(now + 10 * 60_000)), () => now);
    expect((await shared()).accessKeyId).toBe('key-1');
    now += 4 * 60_000;
    expect((await shared()).accessKeyId).toBe('key-1');
    now += 2 * 60_000;
    expect((await shared()).accessKeyId).toBe('key-2');
  });

  it('tries again after a failure instead of keeping the error', async () => {
    let calls = 0;
    const shared = sharedUntilExpiry(async () => {
      calls++;
      if (calls === 1) throw new Error('AccessDenied');
      return creds('key-2');
    });
    await expect(shared()).rejects.toThrow('AccessDenied');
    expect((await shared()).accessKeyId).toBe('key-2');
    expect((await shared()).accessKeyId).toBe('key-2');
    expect(calls).toBe(2);
  });
});
