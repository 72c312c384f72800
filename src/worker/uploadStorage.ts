/**
 * Files of the uploaded dataset in the browser: the Origin Private File System folder
 * "uploads" where available, else an IndexedDB store of its own (a separate database, so
 * its schema never collides with the session's or the checkpoints'). Names are flat keys.
 */
import { createFileStore } from "./fileStore.js";

const uploads = createFileStore({ folder: "uploads", database: "hardneg-lab-uploads" });

export async function writeUploadFile(name: string, bytes: Uint8Array): Promise<void> {
  await uploads.write(name, bytes);
}

export const readUploadFile = (name: string) => uploads.read(name);

/** Deletes every stored file whose name starts with `prefix` (an old dataset's images). */
export const deleteUploadFiles = (prefix: string) => uploads.removePrefix(prefix);
