/**
 * The files of a drop or a file input, each with its path inside the upload: folders are
 * walked through the entries API (`webkitGetAsEntry`), inputs with `webkitdirectory` give
 * `webkitRelativePath`. No bytes are read here; the worker reads the Blobs.
 */

export interface PickedFile {
  /** Path inside the upload: "photos/a.png". */
  name: string;
  file: File;
}

/** The parts of FileSystemEntry used here (so tests can pass plain objects). */
export interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
  };
}

/** Files of an <input type="file">, with folder paths when it picked a folder. */
export function filesFromInput(list: Iterable<File>): PickedFile[] {
  return [...list].map((file) => ({ name: file.webkitRelativePath || file.name, file }));
}

const pathOf = (entry: EntryLike) => (entry.fullPath || entry.name).replace(/^\/+/, "");

/** Every file under the entries; `readEntries` is called until it returns none (it pages). */
export async function filesFromEntries(entries: readonly EntryLike[]): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const walk = async (entry: EntryLike): Promise<void> => {
    if (entry.isFile && entry.file) {
      const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
      out.push({ name: pathOf(entry), file });
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise<EntryLike[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

/**
 * The entries of a drop. Must be called inside the drop handler: a DataTransfer's items are
 * emptied once the event is over. Null when the browser has no entries API.
 */
export function entriesOfDrop(transfer: DataTransfer): EntryLike[] | null {
  const items = [...transfer.items].filter((item) => item.kind === "file");
  if (items.length === 0 || typeof items[0].webkitGetAsEntry !== "function") return null;
  return items.flatMap((item) => {
    const entry = item.webkitGetAsEntry();
    return entry ? [entry as unknown as EntryLike] : [];
  });
}
