interface ProgressBarProps {
  label: string;
  /** 0..1, or null while the total is not known yet. */
  fraction: number | null;
  detail?: string;
}

export function ProgressBar({ label, fraction, detail }: ProgressBarProps) {
  const percent = fraction === null ? undefined : Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={detail ?? (percent === undefined ? 'starting' : `${percent}%`)}
      >
        <div className={percent === undefined ? 'progress-fill progress-indeterminate' : 'progress-fill'} style={{ width: `${percent ?? 30}%` }} />
      </div>
      {detail && <p className="progress-detail">{detail}</p>}
    </div>
  );
}
