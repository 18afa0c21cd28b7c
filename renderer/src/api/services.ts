/**
 * The one client the stores use. main.tsx installs the HTTP client; keeping it behind a setter
 * means stores never construct transports themselves.
 */
import type { BeaconClient } from './client';

let current: BeaconClient | null = null;

export function setClient(client: BeaconClient): void {
  current = client;
}

export function client(): BeaconClient {
  if (!current) throw new Error('BeaconClient not installed (call setClient in main.tsx)');
  return current;
}
