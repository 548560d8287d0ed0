import type { VersionStatus } from '../../src-shared/catalogue/lifecycle';
import { statusLabels } from '../format';

export function StatusBadge({ status }: { status: VersionStatus | 'none' }) {
  return <span className={`badge badge-${status}`}>{statusLabels[status]}</span>;
}
