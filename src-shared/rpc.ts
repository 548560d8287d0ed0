/**
 * Wire messages shared by the WebSocket and local-socket transports (Electron IPC uses
 * `ipcRenderer.invoke` instead, but carries the same error shape).
 */
import { z } from 'zod';
import { wireErrorSchema } from './wire-errors';

export const requestMessageSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  command: z.string().max(200),
  input: z.unknown(),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const responseMessageSchema = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), output: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: wireErrorSchema }),
]);
export type ResponseMessage = z.infer<typeof responseMessageSchema>;

export const eventMessageSchema = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.union([responseMessageSchema, eventMessageSchema]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Largest message either side accepts; anything bigger is refused unread. */
export const maxMessageBytes = 16 * 1024 * 1024;

/** IPC channel names used by the Electron host and its preload. */
export const ipcChannels = {
  invoke: 'cairn:invoke',
  event: 'cairn:event',
} as const;
