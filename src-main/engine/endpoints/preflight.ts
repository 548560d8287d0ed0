import { CairnError } from '../../../src-shared/errors';
import type { EndpointConfig } from './config';
import { maxSkewMs, serverClock } from './health-check';

export class EndpointUnreachableError extends CairnError {
  constructor(endpoint: EndpointConfig, reason: string) {
    super('UNAVAILABLE', `Cannot reach endpoint "${endpoint.name}" at ${endpoint.url} (${reason}).`, {
      hint: `Check the URL, your network, and that the server is running; \`cairn endpoint test ${endpoint.name}\` checks step by step.`,
    });
    this.name = 'EndpointUnreachableError';
  }
}

export class ClockSkewDetectedError extends CairnError {
  constructor(endpoint: EndpointConfig, skewMs: number) {
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    super('CONFLICT', `This computer's clock is ${seconds} s ${skewMs > 0 ? 'ahead of' : 'behind'} the clock of endpoint "${endpoint.name}" (${endpoint.url}), so it would refuse signed requests.`, {
      hint: "Set this computer's date and time correctly (turn on automatic network time), then try again.",
      details: { skewMs },
    });
    this.name = 'ClockSkewDetectedError';
  }
}

/**
 * Before a long job against an endpoint: one unsigned request that fails fast and plainly when
 * the server cannot be reached or the clocks disagree by more than signatures tolerate, instead
 * of minutes of retries ending in a generic error. Credentials and the bucket are checked by
 * the job's first real request, whose errors already say which it was. Folder endpoints
 * (file://) have no server and pass.
 */
export async function assertEndpointUsable(endpoint: EndpointConfig): Promise<void> {
  const clock = await serverClock(endpoint.url);
  if (clock.error) throw new EndpointUnreachableError(endpoint, clock.error);
  if (typeof clock.skewMs === 'number' && Math.abs(clock.skewMs) > maxSkewMs) throw new ClockSkewDetectedError(endpoint, clock.skewMs);
}
