import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AesGcmTransformer, ENCRYPTED_PREFIXES, loadOrCreateEncryptionKey } from '../../src/storage/encryption.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';

describe('secrets encrypted at rest', () => {
  test('the database file never holds a secret value, and reads decrypt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockube-enc-'));
    const key = await loadOrCreateEncryptionKey(dir);
    expect(statSync(join(dir, 'encryption-key')).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateEncryptionKey(dir)).toEqual(key);
    const t = new AesGcmTransformer(key);
    const file = join(dir, 'state.db');
    const store = new SqliteStore(
      file,
      ENCRYPTED_PREFIXES.map((prefix) => ({ prefix, transformer: t })),
    );
    const secretValue = Buffer.from('correct horse battery staple').toString('base64');
    await store.create('/registry/core/secrets/ns/s', {
      metadata: { name: 's' },
      data: { pw: secretValue },
      stringMarker: 'PLAINTEXT-MARKER',
    });
    await store.create('/registry/core/configmaps/ns/c', { metadata: { name: 'c' }, data: { note: 'VISIBLE-MARKER' } });
    expect((await store.get('/registry/core/secrets/ns/s'))?.data).toEqual({ pw: secretValue });
    await store.close();
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).not.toContain(secretValue);
    expect(bytes).not.toContain('PLAINTEXT-MARKER');
    expect(bytes).toContain('VISIBLE-MARKER'); // proves the scan reads what is stored
    const reopened = new SqliteStore(
      file,
      ENCRYPTED_PREFIXES.map((prefix) => ({ prefix, transformer: t })),
    );
    expect((await reopened.list('/registry/core/secrets/')).items[0].data).toEqual({ pw: secretValue });
    await reopened.close();
  });

  test('a tampered value fails authentication', () => {
    const t = new AesGcmTransformer(Buffer.alloc(32, 7));
    const stored = t.toStorage('{"a":1}');
    const flipped = stored.slice(0, -4) + (stored.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => t.fromStorage(flipped)).toThrow();
    expect(t.fromStorage(stored)).toBe('{"a":1}');
  });
});
