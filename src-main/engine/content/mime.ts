/**
 * What kind of content a stored file is, for previews: a media type guessed from the file name,
 * then checked against the first bytes (magic numbers, and "is this UTF-8 text?").
 */

const byExtension: Record<string, string> = {
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  jsonl: 'application/jsonl',
  ndjson: 'application/jsonl',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  toml: 'application/toml',
  ini: 'text/plain',
  cfg: 'text/plain',
  conf: 'text/plain',
  env: 'text/plain',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  cjs: 'text/javascript',
  ts: 'text/x-typescript',
  tsx: 'text/x-typescript',
  jsx: 'text/javascript',
  py: 'text/x-python',
  rs: 'text/x-rust',
  go: 'text/x-go',
  java: 'text/x-java',
  c: 'text/x-c',
  h: 'text/x-c',
  cpp: 'text/x-c++',
  hpp: 'text/x-c++',
  sh: 'text/x-shellscript',
  sql: 'application/sql',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  parquet: 'application/vnd.apache.parquet',
  safetensors: 'application/octet-stream',
  gguf: 'application/octet-stream',
  onnx: 'application/octet-stream',
  pt: 'application/octet-stream',
  bin: 'application/octet-stream',
};

const octetStream = 'application/octet-stream';

const signatures: Array<{ mime: string; test: (b: Uint8Array) => boolean }> = [
  { mime: 'image/png', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mime: 'image/gif', test: (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a') },
  { mime: 'image/webp', test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  { mime: 'application/pdf', test: (b) => ascii(b, 0, '%PDF-') },
  { mime: 'application/zip', test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
  { mime: 'application/gzip', test: (b) => startsWith(b, [0x1f, 0x8b]) },
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, i) => bytes[i] === value);
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Media types shown as text (and diffed line by line). */
export function isTextMime(mime: string): boolean {
  return (
    mime.startsWith('text/') ||
    ['application/json', 'application/jsonl', 'application/yaml', 'application/toml', 'application/xml', 'application/sql', 'image/svg+xml'].includes(mime)
  );
}

/**
 * The bytes of `bytes` that are complete UTF-8 text, or null when they are not text (a NUL byte,
 * or invalid UTF-8). `cut` says the bytes stop in the middle of the file, so an incomplete
 * character at the very end is left out rather than taken for invalid.
 */
export function utf8Prefix(bytes: Uint8Array, cut: boolean): number | null {
  let end = bytes.length;
  if (cut) {
    // Step back over at most 3 continuation bytes to the start of the last character.
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++;
    const lead = end - back - 1;
    if (lead >= 0) {
      const byte = bytes[lead]!;
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      if (needed > back + 1) end = lead;
    }
  }
  const text = bytes.subarray(0, end);
  if (text.includes(0)) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    return null;
  }
  return end;
}

/**
 * The share of bytes that are control characters text does not use (all below 0x20 except tab,
 * line feed, vertical tab, form feed, carriage return and escape): valid UTF-8 such as a run of
 * 0x07 bytes is still binary.
 */
export function controlShare(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let count = 0;
  for (const byte of bytes) if (byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte !== 0x1b) count++;
  return count / bytes.length;
}

/** The media type by file name alone. */
export function mimeFromName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot <= 0 && !name.startsWith('.')) return octetStream;
  return byExtension[name.slice(dot + 1)] ?? octetStream;
}

/**
 * The media type of a file from its name and, when known, its first bytes (`head`, which may be
 * cut short of the file's end). Magic numbers win over the name; an unknown or binary name
 * whose first bytes are UTF-8 text without NUL is `text/plain`; a "text" name whose bytes are
 * not text is `application/octet-stream`.
 */
export function guessMime(path: string, head: Uint8Array | null, headIsWholeFile = false): string {
  const named = mimeFromName(path);
  if (!head || head.length === 0) return named;
  const sniffed = signatures.find((s) => s.test(head));
  if (sniffed) return sniffed.mime;
  const sample = head.subarray(0, 8192);
  const text = utf8Prefix(sample, !headIsWholeFile || sample.length < head.length) !== null && controlShare(sample) <= 0.01;
  if (isTextMime(named)) return text ? named : octetStream;
  if (named.startsWith('image/') || named === 'application/pdf') return named;
  return text ? 'text/plain' : named;
}
