/**
 * The parts of docs/ingest.md ("Sharded streams") that tests hold to the code: the test-vector table
 * and the producer snippets, each found after its HTML comment marker. Reading them from the doc
 * keeps the doc and the tests from drifting apart: a row or a snippet the code disagrees with fails.
 */
import { readFileSync } from 'node:fs';

const DOC = new URL('../../docs/ingest.md', import.meta.url);

/** One row of the test-vector table: an id (null: no id) and its CRC-32 and shards. */
export interface ShardVector {
  id: string | null;
  /** The CRC-32 as the table prints it (8 hex digits), null for the no-id row. */
  crc: number | null;
  /** Shard count → shard. */
  shards: Map<number, number>;
}

function doc(): string {
  return readFileSync(DOC, 'utf8');
}

/** The text after `<!-- marker -->` (throws when the doc lost the marker: the test must not pass on nothing). */
function after(marker: string): string {
  const text = doc();
  const at = text.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`docs/ingest.md has no <!-- ${marker} --> marker`);
  return text.slice(at);
}

/** The first fenced code block after the marker, without its fences. */
export function codeBlock(marker: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(after(marker));
  if (!m) throw new Error(`no \`\`\`${lang} block after <!-- ${marker} --> in docs/ingest.md`);
  return m[1]!;
}

/** The first fenced code block after `heading` (a text the doc contains once). */
export function codeBlockAfterText(heading: string, lang: string): string {
  const text = doc();
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`docs/ingest.md no longer says ${heading}`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(text.slice(at));
  if (!m) throw new Error(`no \`\`\`${lang} block after ${heading} in docs/ingest.md`);
  return m[1]!;
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

const unquote = (c: string): string => {
  const m = /^`(.*)`$/.exec(c);
  if (!m) throw new Error(`a table cell should be in backticks: ${c}`);
  return m[1]!;
};

/** The rows of the test-vector table: header `| id | CRC-32 | N = … |`, then one row per id. */
export function shardVectors(): { counts: number[]; rows: ShardVector[] } {
  const lines = after('shard-vectors').split('\n').slice(1);
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  const [header, rule, ...body] = lines.slice(start, end);
  const head = cells(header!);
  if (head[0] !== 'id' || head[1] !== 'CRC-32' || !/^[-|: ]+$/.test(rule!)) throw new Error(`unexpected vector table header: ${header}`);
  const counts = head.slice(2).map((h) => {
    const m = /^N = (\d+)$/.exec(h);
    if (!m) throw new Error(`a column should be "N = <shards>": ${h}`);
    return Number(m[1]);
  });
  const rows = body.map((line) => {
    const [id, crc, ...shards] = cells(line);
    if (shards.length !== counts.length) throw new Error(`row with ${shards.length} shard cells: ${line}`);
    const none = id === '(none)';
    return {
      id: none ? null : unquote(id!),
      crc: none ? null : parseInt(unquote(crc!), 16),
      shards: new Map(counts.map((n, i) => [n, Number(shards[i])])),
    };
  });
  return { counts, rows };
}
