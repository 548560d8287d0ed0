/**
 * Collects per-run values of each metric for both tools, and any error instead of a value, and
 * turns them into rows: min/median/max per tool, the median of per-run cairn/restic ratios, and
 * whether the target is met.
 */
import type { ToolName } from './backup-tools';
import { medianPairRatio, summarize, type Summary } from './stats';

export interface Target {
  /** As shown in the table, e.g. "ratio ≤ 1.1". */
  readonly text: string;
  /** null when there is nothing to judge by (e.g. a ratio target without a restic value). */
  readonly met: (cairnMedian: number, ratio: number | null) => boolean | null;
}

export interface MetricSpec {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  /** Decimal places when printed. */
  readonly digits: number;
  readonly better: 'higher' | 'lower';
  readonly target?: Target;
}

export interface MetricError {
  readonly tool: ToolName;
  readonly run: number;
  readonly message: string;
}

export interface MetricRow {
  readonly spec: MetricSpec;
  readonly summaries: Record<ToolName, Summary | null>;
  readonly ratio: number | null;
  /** true/false when there is a target and a value to judge; null otherwise. */
  readonly met: boolean | null;
  readonly errors: MetricError[];
}

export const tools: readonly ToolName[] = ['cairn', 'restic'];

export class MetricTable {
  readonly #specs: MetricSpec[] = [];
  readonly #values = new Map<string, Record<ToolName, Map<number, number>>>();
  readonly #errors = new Map<string, MetricError[]>();

  define(spec: MetricSpec): MetricSpec {
    if (this.#values.has(spec.id)) throw new Error(`metric ${spec.id} defined twice`);
    this.#specs.push(spec);
    this.#values.set(spec.id, { cairn: new Map(), restic: new Map() });
    this.#errors.set(spec.id, []);
    return spec;
  }

  record(spec: MetricSpec, tool: ToolName, run: number, value: number): void {
    if (!Number.isFinite(value)) {
      this.fail(spec, tool, run, `not a finite number: ${value}`);
      return;
    }
    this.#of(spec).values[tool].set(run, value);
  }

  has(spec: MetricSpec, tool: ToolName, run: number): boolean {
    return this.#of(spec).values[tool].has(run);
  }

  fail(spec: MetricSpec, tool: ToolName, run: number, message: string): void {
    this.#of(spec).errors.push({ tool, run, message });
  }

  get errorCount(): number {
    let count = 0;
    for (const errors of this.#errors.values()) count += errors.length;
    return count;
  }

  rows(): MetricRow[] {
    return this.#specs.map((spec) => {
      const { values, errors } = this.#of(spec);
      const summaries = { cairn: summarize([...values.cairn.values()]), restic: summarize([...values.restic.values()]) };
      const ratio = medianPairRatio(values.cairn, values.restic);
      const met = spec.target && summaries.cairn ? spec.target.met(summaries.cairn.median, ratio) : null;
      return { spec, summaries, ratio, met, errors: [...errors] };
    });
  }

  #of(spec: MetricSpec): { values: Record<ToolName, Map<number, number>>; errors: MetricError[] } {
    const values = this.#values.get(spec.id);
    const errors = this.#errors.get(spec.id);
    if (!values || !errors) throw new Error(`metric ${spec.id} was not defined`);
    return { values, errors };
  }
}
