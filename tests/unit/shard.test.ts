/**
 * The shard rule (shared/shard.ts) against zlib's CRC-32, the test vectors and snippets docs/ingest.md
 * gives producers (read from the doc, so the doc cannot drift from the code), and the key layout:
 * one shard is exactly today's keys; with more, every key of a shard shares one Redis Cluster hash tag.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { crc32 as zlibCrc32 } from 'node:zlib';
import ts from 'typescript';
import { crc32, shardKey, shardOf, shardPrefix, topology, topologyKey } from '../../shared/shard';
import { STREAM_NAMES } from '../../shared/streams';
import { streamKeys } from '../../server/redis';
import { checkpointKeys } from '../../server/checkpoint';
import { leaseKeys } from '../../server/lease';
import { codeBlock, codeBlockAfterText, shardVectors } from '../support/ingest-doc';

/** Strings of every kind: ASCII, any code point (astral included), grapheme clusters. */
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));

/** What Redis Cluster hashes: the text inside the first `{…}` when not empty, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('crc32', () => {
  it('is CRC-32/IEEE: the check value of "123456789" is 0xCBF43926, of "" 0', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it("equals node:zlib's crc32 over the UTF-8 bytes of any string, non-ASCII included", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const want = zlibCrc32(Buffer.from(s, 'utf8'));
        expect(crc32(s)).toBe(want);
        expect(crc32(s)).toBe(zlibCrc32(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('shardOf', () => {
  it('is crc32 mod N; no id goes to shard 0, and one shard is always shard 0', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 1, max: 1024 }), (id, n) => {
        expect(shardOf(id, n)).toBe(zlibCrc32(id) % n);
        expect(shardOf(null, n)).toBe(0);
        expect(shardOf(id, 1)).toBe(0);
      }),
    );
  });

  it('refuses a shard count that is not a whole number ≥ 1', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => shardOf('o-1', n)).toThrow(RangeError);
  });
});

describe('the test vectors in docs/ingest.md', () => {
  const { counts, rows } = shardVectors();

  it('cover N = 2, 3 and 16 over enough ids: no id, the check value, non-ASCII', () => {
    expect(counts).toEqual([2, 3, 16]);
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(rows.some((r) => r.id === null)).toBe(true);
    expect(rows.some((r) => r.id === '123456789' && r.crc === 0xcbf43926)).toBe(true);
    expect(rows.some((r) => r.id !== null && /[^\x20-\x7e]/.test(r.id))).toBe(true);
    // Each shard of N = 2 appears, so a producer that always answers 0 fails the table.
    expect(new Set(rows.map((r) => r.shards.get(2)))).toEqual(new Set([0, 1]));
  });

  it('every row holds: the printed CRC is zlib’s, each shard is shardOf’s', () => {
    for (const r of rows) {
      if (r.id !== null) expect(r.crc, r.id).toBe(zlibCrc32(r.id));
      for (const [n, shard] of r.shards) expect(shardOf(r.id, n), `${r.id} N = ${n}`).toBe(shard);
    }
  });
});

describe('keys', () => {
  it('with one shard are exactly the unsharded keys', () => {
    expect(topology('wr:', 1)).toEqual({
      shards: 1,
      hash: 'crc32-ieee',
      streams: {
        orders: ['wr:orders'],
        logistics: ['wr:logistics'],
        weather: ['wr:weather'],
        payments: ['wr:payments'],
        traffic: ['wr:traffic'],
      },
    });
    for (const n of STREAM_NAMES) expect(shardKey('t1:', n, 0, 1)).toBe(streamKeys('t1:')[n]);
    expect(shardPrefix('wr:', 0, 1)).toBe('wr:');
    expect(shardKey('a{b}:', 'orders', 0, 1)).toBe('a{b}:orders'); // braces are only refused once they would move a tag
    expect(topologyKey('wr:')).toBe('wr:topology');
  });

  it('with N > 1 put every key of a shard (streams, checkpoint, lease, marker) in one hash slot, each shard its own', () => {
    const n = 16;
    const tags = new Set<string>();
    for (let i = 0; i < n; i++) {
      const p = shardPrefix('wr:', i, n);
      const ck = checkpointKeys(p);
      const keys = [
        ...STREAM_NAMES.map((s) => shardKey('wr:', s, i, n)),
        ck.state,
        ck.series,
        ck.ids('orders', 1),
        ck.tags('orders', 1),
        ...Object.values(leaseKeys(p)),
        `${p}marker`,
      ];
      expect(new Set(keys.map(hashTag)), keys.join(' ')).toEqual(new Set([`s:${i}`]));
      for (const k of keys) expect(k.startsWith('wr:'), k).toBe(true); // prefix-based SCAN and ACL patterns still match
      tags.add(`s:${i}`);
    }
    expect(tags.size).toBe(n);
    expect(shardKey('wr:', 'orders', 3, 16)).toBe('wr:{s:3}:orders');
  });

  it('refuses a shard outside 0…N−1 and, with N > 1, a prefix with braces (they would move the tag)', () => {
    expect(() => shardKey('wr:', 'orders', 2, 2)).toThrow(RangeError);
    expect(() => shardKey('wr:', 'orders', -1, 2)).toThrow(RangeError);
    expect(() => shardKey('wr:', 'orders', 1, 1)).toThrow(RangeError);
    expect(() => shardKey('wr{x}:', 'orders', 0, 2)).toThrow(/WARROOM_KEY_PREFIX/);
  });

  it('topology lists every stream’s key per shard, in shard order, as the doc’s example shows for N = 2', () => {
    const t = topology('wr:', 3);
    expect(Object.keys(t.streams)).toEqual(STREAM_NAMES);
    expect(t.streams.payments).toEqual(['wr:{s:0}:payments', 'wr:{s:1}:payments', 'wr:{s:2}:payments']);
    expect(JSON.parse(codeBlockAfterText('**The topology: `wr:topology`.**', 'json'))).toEqual(topology('wr:', 2));
  });
});

/** Runs `program` (the doc's snippet plus a driver reading JSON on stdin) and parses what it prints. */
function run(cmd: string, args: string[], input: unknown): unknown {
  const r = spawnSync(cmd, args, { input: JSON.stringify(input), encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

describe("docs/ingest.md's producer snippets compute the same shards and keys", () => {
  const { rows } = shardVectors();
  // The vector ids and random ones (any code point): the doc's functions must agree on all of them.
  const ids: (string | null)[] = [...rows.map((r) => r.id), ...fc.sample(anyString, { numRuns: 300, seed: 11 })];
  const counts = [1, 2, 3, 16, 1024];
  const want = { shards: counts.map((n) => ids.map((id) => shardOf(id, n))), keys: [1, 3].map(keysOf) };
  function keysOf(n: number): string[] {
    return STREAM_NAMES.flatMap((s) => Array.from({ length: n }, (_, i) => shardKey('wr:', s, i, n)));
  }
  const input = { ids, counts, streams: STREAM_NAMES, keyCounts: [1, 3] };

  it('TypeScript (node:zlib)', () => {
    const driver = `
const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const keys = (n) => input.streams.flatMap((s) => Array.from({ length: n }, (_, i) => shardKey('wr:', s, i, n)));
console.log(JSON.stringify({ shards: input.counts.map((n) => input.ids.map((id) => shardOf(id, n))), keys: input.keyCounts.map(keys) }));`;
    // Types stripped, as CommonJS: the snippet's one import becomes a require, like the driver's.
    const cjs = ts.transpileModule(codeBlock('shard-rule:ts', 'ts') + driver, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    expect(run(process.execPath, ['-e', cjs.outputText], input)).toEqual(want);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)(`Python (zlib)${python ? '' : ' — SKIPPED: no python3 on PATH'}`, () => {
    const driver = `
import json, sys
_in = json.loads(sys.stdin.buffer.read().decode("utf-8"))  # not the locale's encoding
_keys = lambda n: [shard_key("wr:", s, i, n) for s in _in["streams"] for i in range(n)]
print(json.dumps({"shards": [[shard_of(i, n) for i in _in["ids"]] for n in _in["counts"]], "keys": [_keys(n) for n in _in["keyCounts"]]}))`;
    expect(run('python3', ['-c', codeBlock('shard-rule:py', 'python') + '\n' + driver], input)).toEqual(want);
  });
});
