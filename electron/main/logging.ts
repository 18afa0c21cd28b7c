/**
 * The app's own log (not the runtime log): electron-log's file transport in the platform's log
 * directory (macOS ~/Library/Logs/Beacon/main.log, Linux ~/.config/Beacon/logs/main.log,
 * Windows %APPDATA%\Beacon\logs\main.log), rotated at 5 MB into main.old.log. Never prompts or
 * event content: only lifecycle, roles and errors.
 */
import log from 'electron-log/main';

export const APP_LOG_MAX_BYTES = 5 * 1024 * 1024;

export type AppLog = typeof log;

export function setupLogging(opts: { verboseConsole: boolean }): AppLog {
  log.transports.file.level = 'info';
  log.transports.file.maxSize = APP_LOG_MAX_BYTES;
  log.transports.console.level = opts.verboseConsole ? 'info' : 'warn';
  // Uncaught errors in the main process end up in the file instead of vanishing (no dialog).
  log.errorHandler.startCatching({ showDialog: false });
  return log;
}
