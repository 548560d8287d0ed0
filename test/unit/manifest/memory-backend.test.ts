import { runBackendConformance } from '../backends/conformance';
import { MemoryBackend } from '../../helpers/memory-backend';

// The in-memory backend the manifest and catalogue tests run on must behave exactly like the
// real ones, or those tests prove nothing.
runBackendConformance('MemoryBackend', async () => ({ backend: new MemoryBackend(), cleanup: async () => {} }));
