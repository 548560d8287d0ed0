import type { App } from 'electron';

/**
 * Holds the app's quit until `stop` has finished (the engine flushing its packs and releasing
 * the repository lock), then quits for real. Electron does not wait for promises in 'will-quit'
 * listeners, so the first quit is cancelled and repeated once stopping is done; quits asked for
 * meanwhile are cancelled too, and `stop` runs once.
 */
export function holdQuitUntil(app: Pick<App, 'on' | 'quit'>, stop: () => Promise<void>, onStopFailed: (err: unknown) => void): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void stop()
      .catch(onStopFailed)
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}
