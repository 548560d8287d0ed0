
/**
 * Every error that crosses a process boundary has one of these codes. A code says what kind of
 * thing went wrong (so a caller can branch on it); the message says it to a person, naming the
 * thing and what to do about it.
 */
export const errorCodes = [
  'UNKNOWN_COMMAND',
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'WRONG_PASSPHRASE',
  'CORRUPT',
  'IO',
  'NO_SPACE',
  'PERMISSION_DENIED',
  'LOCKED',
  'UNAVAILABLE',
  'TIMEOUT',
  'QUOTA_EXCEEDED',
  'ILLEGAL_TRANSITION',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * An error as it crosses a transport (RPC, IPC, the CLI's --json). Its zod schema and the
 * helpers that parse one live in wire-errors.ts, so code that only raises errors (worker
 * threads, each loading this module) does not load zod.
 */
export interface WireError {
  code: ErrorCode;
  message: string;
  /** Optional hint for a person: the next thing to try. */
  hint?: string | undefined;
  /** Structured details for programs (e.g. zod issues for INVALID_INPUT). */
  details?: unknown;
}

/** Base class of every error Cairn raises on purpose. */
export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { hint?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CairnError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message };
    if (this.hint !== undefined) wire.hint = this.hint;
    if (this.details !== undefined) wire.details = this.details;
    return wire;
  }

  /** The message and hint as one or two lines for a terminal or a toast. */
  describe(): string {
    return this.hint ? `${this.message}\n  ${this.hint}` : this.message;
  }
}

export class UnknownCommandError extends CairnError {
  constructor(name: string) {
    super('UNKNOWN_COMMAND', `Unknown command "${name}".`, {
      hint: 'Check the command name against the contract (src-shared/contract.ts); the client and engine may be different versions.',
    });
    this.name = 'UnknownCommandError';
  }
}

export class InvalidInputError extends CairnError {
  constructor(what: string, problems: string[], details?: unknown) {
    super('INVALID_INPUT', `Invalid input for ${what}: ${problems.join('; ')}.`, { details });
    this.name = 'InvalidInputError';
  }
}

export class UnauthorizedError extends CairnError {
  constructor(message = 'Missing or wrong access token.') {
    super('UNAUTHORIZED', message, {
      hint: 'Open the URL that `cairn serve` printed; it carries the token for this start.',
    });
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends CairnError {
  constructor(what: string, hint?: string) {
    super('NOT_FOUND', `${what} was not found.`, hint === undefined ? {} : { hint });
    this.name = 'NotFoundError';
  }
}

/** The client-side face of an error that came back over a transport. */
export class RemoteError extends CairnError {
  constructor(wire: WireError) {
    super(wire.code, wire.message, { hint: wire.hint, details: wire.details });
    this.name = 'RemoteError';
  }
}
