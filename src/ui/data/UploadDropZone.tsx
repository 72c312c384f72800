import { type DragEvent, useState } from "react";
import { entriesOfDrop, filesFromEntries, filesFromInput, type PickedFile } from "./collectFiles.js";

const ACCEPT = ".csv,.tsv,.jsonl,.ndjson,.json,.zip,image/*";
/** React passes unknown lower-case attributes through; TypeScript's JSX types lack this one. */
const FOLDER_PICKER = { webkitdirectory: "", directory: "" } as Record<string, string>;

/**
 * Where an upload comes in: drag and drop (files, folders, zips) or two labelled file inputs
 * (files, a folder), which are the keyboard's way in.
 */
export function UploadDropZone({
  onFiles,
  onError,
  disabled,
}: {
  onFiles: (files: PickedFile[]) => void;
  onError: (message: string) => void;
  disabled: boolean;
}) {
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent<HTMLFieldSetElement>) => {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    // Entries must be taken now: the drop's items are emptied when the handler returns.
    const entries = entriesOfDrop(e.dataTransfer);
    const plain = filesFromInput(e.dataTransfer.files);
    (entries ? filesFromEntries(entries) : Promise.resolve(plain)).then(onFiles, (error: unknown) =>
      onError(
        `the dropped files could not be read: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  };
  const fromInput = (input: HTMLInputElement) => {
    const files = filesFromInput(input.files ?? []);
    input.value = ""; // picking the same files again uploads them again
    if (files.length > 0) onFiles(files);
  };
  return (
    <fieldset
      className={`hn-drop${over ? " hn-drop-over" : ""}`}
      data-testid="upload-drop"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? "none" : "copy";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <legend>Upload: drop files, a folder or a zip here</legend>
      <p>
        Drop image-caption pairs here: a folder, files or a zip with a CSV/TSV (<code>image</code>,{" "}
        <code>caption</code>, optional <code>negative_1</code>… or <code>negatives</code> as a JSON list,{" "}
        <code>negative_types</code>), JSONL with the same fields, or COCO captions JSON, plus the images.
      </p>
      <div className="hn-controls">
        <label>
          Choose files or a zip
          <input
            type="file"
            multiple
            accept={ACCEPT}
            disabled={disabled}
            data-testid="upload-files"
            onChange={(e) => fromInput(e.currentTarget)}
          />
        </label>
        <label>
          Choose a folder
          <input
            type="file"
            multiple
            {...FOLDER_PICKER}
            disabled={disabled}
            data-testid="upload-folder"
            onChange={(e) => fromInput(e.currentTarget)}
          />
        </label>
      </div>
    </fieldset>
  );
}
