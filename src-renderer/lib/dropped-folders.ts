// What a drop holds: its files, and everything inside the folders dropped with them (recursively,
// hidden files and folders left out), so that dragging a folder of traces, profiles and dumps onto
// the window opens them all. Uses the entries API browsers and Electron give drops
// (DataTransferItem.webkitGetAsEntry); where it is missing, the drop's plain files.

/** Most files one drop opens: a folder dropped by mistake (a home directory) is refused, not uploaded. */
export const MAX_DROPPED_FILES = 200;

/** The part of FileSystemEntry this reads (structural, so tests can build entries). */
export interface DropEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(success: (f: File) => void, failure?: (e: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: DropEntry[]) => void, failure?: (e: unknown) => void): void };
}

export class TooManyFiles extends Error {}

/** The files of the dropped entries, folders walked depth-first in name order. */
export async function filesOfEntries(entries: readonly DropEntry[], limit = MAX_DROPPED_FILES): Promise<File[]> {
  const files: File[] = [];
  const visit = async (entry: DropEntry, top: boolean): Promise<void> => {
    if (!top && entry.name.startsWith('.')) return;
    if (entry.isFile && entry.file) {
      if (files.length >= limit) throw new TooManyFiles(`the drop holds more than ${limit} files: drop fewer, or a smaller folder`);
      files.push(await new Promise<File>((resolve, reject) => entry.file!(resolve, reject)));
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader();
      const children: DropEntry[] = [];
      // readEntries answers in batches until it answers none.
      for (;;) {
        const batch = await new Promise<DropEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        children.push(...batch);
      }
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) await visit(child, false);
    }
  };
  for (const entry of entries) await visit(entry, true);
  return files;
}

/** The files a drop holds, folders opened. Read the entries before the first await: the drop's data goes away after the event. */
export function filesOfDrop(data: DataTransfer): Promise<File[]> {
  const entries = [...data.items].map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry?.() as DropEntry | null) : null));
  if (entries.some((e) => e === null)) return Promise.resolve([...data.files]);
  return filesOfEntries(entries as DropEntry[]);
}
