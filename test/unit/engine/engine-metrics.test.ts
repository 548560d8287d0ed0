import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import type { BackendOperation } from '../../../src-main/engine/backends/instrumented-backend';
import { EngineMetrics } from '../../../src-main/engine/observability/engine-metrics';

function operation(fields: Partial<BackendOperation>): BackendOperation {
  return { backend: 'test', verb: 'get', key: 'k', result: 'ok', bytes: 0, durationMs: 1, ...fields };
}

/** The value of one sample line (`name{labels} value`) of an exposition, or undefined. */
function sample(exposition: string, line: string): number | undefined {
  const found = exposition.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('EngineMetrics (prom-client loaded on first scrape)', () => {
  it('keeps what was recorded before the first scrape', async () => {
    const metrics = new EngineMetrics();
    await metrics.observeCommand('vault.add', async () => ({ bytesRead: 100, bytesNew: 25 }));
    await expect(metrics.observeCommand('vault.get', () => Promise.reject(new CairnError('NOT_FOUND', 'gone')))).rejects.toThrow('gone');
    metrics.recordBackendOperation({ kind: 'endpoint', name: 'offsite' }, operation({ verb: 'put', bytes: 4096 }));
    metrics.setQueueDepth('offsite', 3);
    metrics.setQueueDepth('offsite', 7);

    const text = await metrics.exposition();
    expect(sample(text, 'cairn_commands_total{command="vault.add",result="ok"}')).toBe(1);
    expect(sample(text, 'cairn_commands_total{command="vault.get",result="NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'cairn_errors_total{code="NOT_FOUND",source="command"}')).toBe(1);
    expect(sample(text, 'cairn_command_duration_seconds_count{command="vault.add"}')).toBe(1);
    expect(sample(text, 'cairn_endpoint_uploaded_bytes_total{endpoint="offsite"}')).toBe(4096);
    expect(sample(text, 'cairn_ingested_bytes_total')).toBe(100);
    expect(sample(text, 'cairn_dedupe_ratio')).toBe(0.75);
    expect(sample(text, 'cairn_endpoint_queue_depth{endpoint="offsite"}')).toBe(7);

    // Once loaded, updates go straight to the registry.
    await metrics.observeCommand('vault.add', async () => null);
    expect(sample(await metrics.exposition(), 'cairn_commands_total{command="vault.add",result="ok"}')).toBe(2);
  });

  it('loads the registry by itself when many updates wait, losing none', async () => {
    const metrics = new EngineMetrics();
    const operations = 25_000;
    for (let i = 0; i < operations; i++) metrics.recordBackendOperation({ kind: 'repository' }, operation({ verb: 'get', bytes: 1 }));
    const text = await metrics.exposition();
    expect(sample(text, 'cairn_backend_operations_total{target="repository",endpoint="",verb="get",result="ok"}')).toBe(operations);
  });

  it("names prom-client's content type without loading it", () => {
    expect(new EngineMetrics().contentType).toBe(new Registry().contentType);
  });
});
