/**
 * How to load the current model again into a fresh worker (after a crash or a lost GPU),
 * recorded by each loader on success. Folder and zip loads keep their File handles, which
 * the browser reads again on demand; nothing survives a reload of the tab.
 */
let reload: (() => Promise<void>) | undefined;

export function setModelReload(next: (() => Promise<void>) | undefined): void {
  reload = next;
}

export function modelReload(): (() => Promise<void>) | undefined {
  return reload;
}
