import { z } from 'zod';
import { CairnError, errorCodes, RemoteError, type WireError } from './errors';

export const wireErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  hint: z.string().optional(),
  details: z.unknown().optional(),
}) satisfies z.ZodType<WireError>;

/** Turns anything thrown into a wire error without leaking stack traces. */
export function toWireError(err: unknown): WireError {
  if (err instanceof CairnError) return err.toWire();
  if (isWireError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Internal error: ${message}`, hint: 'This is a bug in Cairn; the log has details.' };
}

export function isWireError(value: unknown): value is WireError {
  return wireErrorSchema.safeParse(value).success;
}

/**
 * Electron's contextBridge copies only the message of an Error that crosses it, so the preload
 * packs the wire error into the message and the renderer unpacks it again.
 */
const bridgePrefix = 'cairn-error:';

export function encodeBridgeError(wire: WireError): Error {
  return new Error(bridgePrefix + JSON.stringify(wire));
}

export function decodeBridgeError(err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const at = message.indexOf(bridgePrefix);
  if (at >= 0) {
    try {
      const wire = wireErrorSchema.parse(JSON.parse(message.slice(at + bridgePrefix.length)));
      return new RemoteError(wire);
    } catch {
      // fall through: not one of ours
    }
  }
  return new RemoteError({ code: 'INTERNAL', message });
}
