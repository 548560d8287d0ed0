import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatDuration } from '../../format';
import type { Run } from '../../state/endpoints-store';
import { useJobsStore } from '../../state/jobs-store';

/** A running backup or verify: bytes, objects, speed and time left, from `job.progress`. */
export function RunProgress<T>({ run, label }: { run: Run<T>; label: string }) {
  const job = useJobsStore((s) => (run.jobId ? s.jobs[run.jobId] : undefined));
  let fraction: number | null = null;
  let detail = 'Starting…';
  if (job) {
    if (job.bytesTotal) fraction = (job.bytesDone ?? 0) / job.bytesTotal;
    else if (job.total > 0) fraction = job.done / job.total;
    const parts = [
      job.bytesTotal !== undefined ? `${formatBytes(job.bytesDone ?? 0)} of ${formatBytes(job.bytesTotal)}` : null,
      `${job.done} of ${job.total} objects`,
      job.bytesPerSecond !== null ? `${formatBytes(job.bytesPerSecond)}/s` : null,
      job.etaMs !== null ? `about ${formatDuration(job.etaMs)} left` : null,
    ];
    detail = parts.filter(Boolean).join(' · ');
  }
  return (
    <div className="run-progress" data-testid={`${label.toLowerCase()}-progress`}>
      <ProgressBar label={label} fraction={fraction} detail={detail} />
      {run.cancel && (
        <button type="button" onClick={run.cancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
