import { Readable } from 'node:stream';
import { CairnError } from '../../../src-shared/errors';
import { TruncatedBodyError } from './backend-errors';

/**
 * Response bodies from S3 can stop early when a connection drops; Node sometimes reports that as
 * a plain end. Both helpers count bytes against the announced length and raise a
 * TruncatedBodyError (retryable) on any shortfall or mid-body error.
 */

export interface BodyExpectation {
  backendName: string;
  key: string;
  /** The announced length; undefined when the server sent none (nothing to check against). */
  length: number | undefined;
}

/** Reads a whole response body into one buffer. */
export async function readWholeBody(body: unknown, expected: BodyExpectation): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of checkedChunks(asReadable(body), expected)) chunks.push(chunk);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** Wraps a response body as a stream that errors if it is cut; destroying it closes the body. */
export function checkedBodyStream(body: unknown, expected: BodyExpectation): Readable {
  return Readable.from(checkedChunks(asReadable(body), expected), { objectMode: false });
}

async function* checkedChunks(body: Readable, expected: BodyExpectation): AsyncGenerator<Buffer> {
  let received = 0;
  let tooLong = false;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      received += buffer.length;
      if (expected.length !== undefined && received > expected.length) {
        tooLong = true;
        break;
      }
      yield buffer;
    }
  } catch (err) {
    throw new TruncatedBodyError(expected.backendName, expected.key, received, expected.length, { cause: err });
  }
  if (tooLong) {
    throw new CairnError('CORRUPT', `${expected.backendName} sent more than the announced ${expected.length} bytes for "${expected.key}".`, {
      hint: 'A proxy or the server is altering responses; check the endpoint.',
    });
  }
  if (expected.length !== undefined && received !== expected.length) throw new TruncatedBodyError(expected.backendName, expected.key, received, expected.length);
}

function asReadable(body: unknown): Readable {
  if (body instanceof Readable) return body;
  if (body === undefined || body === null) return Readable.from([]);
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  throw new TypeError('The S3 response body is not a Node stream.');
}
