import { finding, type CommandCaller, type DoctorFinding } from './findings';

/**
 * Each endpoint's health check (reach, credentials, bucket, write access) and the clock skew
 * against its Date header, as `cairn endpoint test` runs them.
 */
export async function checkEndpoints(call: CommandCaller): Promise<DoctorFinding[]> {
  const { endpoints } = await call('endpoints.list', {});
  if (endpoints.length === 0) return [finding('endpoints', 'warning', 'No endpoints: nothing is backed up off this device.', 'Add one with `cairn endpoint add`, then run `cairn backup --to NAME`.')];
  const findings: DoctorFinding[] = [];
  for (const endpoint of endpoints) {
    let report;
    try {
      report = await call('endpoints.test', { name: endpoint.name });
    } catch (err) {
      findings.push(finding('endpoints', 'problem', `Endpoint ${endpoint.name} could not be tested: ${(err as Error).message}`, `Check its settings with \`cairn endpoint list\`.`));
      continue;
    }
    const failed = report.checks.filter((c) => !c.ok);
    for (const check of failed) {
      const area = check.name === 'clock' ? 'clock' : 'endpoints';
      findings.push(finding(area, 'problem', `Endpoint ${endpoint.name} (${endpoint.url}), ${check.name}: ${check.message}`, `Fix it, then check again with \`cairn endpoint test ${endpoint.name}\`.`));
    }
    if (failed.length === 0) {
      const clock = report.checks.find((c) => c.name === 'clock');
      findings.push(finding('endpoints', 'ok', `Endpoint ${endpoint.name} (${endpoint.url}) is reachable and writable.`));
      if (clock) findings.push(finding('clock', 'ok', `Against ${endpoint.name}: ${clock.message}`));
    }
  }
  return findings;
}
