import type { ArgsOf, ResultOf, BeaconBridge } from '../../electron/shared/ipc';
type A1 = ArgsOf<'codex:repair'>;
type A2 = ArgsOf<'login-item:set'>;
type R2 = ResultOf<'login-item:set'>;
const a1: A1 = [];
const a2: A2 = [true];
// @ts-expect-error
const a3: A2 = ['x'];
declare const b: BeaconBridge;
const r: Promise<R2> = b.setOpenAtLogin(true);
// @ts-expect-error
b.setOpenAtLogin();
const q: Promise<void> = b.quit();
export { a1, a2, a3, r, q };
