import type { RgbaImage } from "../../clip/preprocess.js";
import type { NegativeGeneratorType, NegativeSource } from "../../negatives/index.js";
import type { DataIssue, IssueLocation } from "./issues.js";

/** One dropped or picked file; `name` is its path inside the upload ("folder/a.png"). */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Decodes an image file (the worker: createImageBitmap + OffscreenCanvas; Node: PNG via
 * src/core/io/png.ts). Throws with a one-line reason when the file is not a readable image.
 */
export type DecodeImage = (bytes: Uint8Array, name: string) => RgbaImage | Promise<RgbaImage>;

export interface UploadLimits {
  /** File entries per zip. */
  maxZipFiles: number;
  /** Uncompressed bytes per zip (declared sizes, checked before anything is inflated). */
  maxZipBytes: number;
  /** Bytes of one annotation file. */
  maxAnnotationBytes: number;
  /** Records read over all annotation files; later ones are reported and left out. */
  maxItems: number;
  /** Longer captions are errors (CLIP reads 77 tokens; longer text is almost surely a mistake). */
  maxCaptionChars: number;
  /** User negatives kept per item; more are reported and left out. */
  maxNegativesPerItem: number;
}

export const DEFAULT_UPLOAD_LIMITS: Readonly<UploadLimits> = {
  maxZipFiles: 100_000,
  maxZipBytes: 1 << 30,
  maxAnnotationBytes: 256 << 20,
  maxItems: 200_000,
  maxCaptionChars: 1000,
  maxNegativesPerItem: 32,
};

export interface NegativeOptions {
  /** Fill types the user left empty with the free-English generator (default true). */
  generate?: boolean;
  /** Generator seed (default 0): the same seed gives the same negatives. */
  seed?: number;
  /**
   * Typed slots, in order (default: every generator type when generating, else the types
   * the data names). User negatives of other types or without a type get "user_k" slots.
   */
  types?: readonly NegativeGeneratorType[];
}

export interface UploadOptions {
  decodeImage: DecodeImage;
  /** Called once per readable image, e.g. to resize and store it (OPFS) or keep it in memory. */
  onImage?: (name: string, image: RgbaImage) => void | Promise<void>;
  negatives?: NegativeOptions;
  limits?: Partial<UploadLimits>;
  /** Progress of the slow stages (generating negatives takes ~2 ms a caption). */
  onProgress?: (stage: "images" | "negatives", done: number, total: number) => void;
}

/** A negative written by the user; `type` null when none (or an unknown one) was given. */
export interface UserNegative {
  text: string;
  type: NegativeGeneratorType | null;
}

/** A record as read from an annotation file, before it is checked against the upload. */
export interface RawRecord {
  at: IssueLocation;
  image: string;
  caption: string;
  negatives: UserNegative[];
}

export interface UploadItem {
  /** Stable id: annotation file and record index ("data.csv#3"). */
  id: string;
  /** The image's file name in the upload. */
  image: string;
  caption: string;
  /** What the user wrote, kept so the Data panel can edit it and lay the slots out again. */
  userNegatives: UserNegative[];
  /** One text per slot of UploadResult.negativeTypeNames ("" where masked). */
  negatives: string[];
  negativeMask: number[];
  negativeSources: NegativeSource[];
  source: IssueLocation;
}

export interface UploadSummary {
  /** Files after zips were expanded. */
  files: number;
  annotationFiles: string[];
  /** Distinct images that decoded. */
  images: number;
  /** Records in the annotation files (malformed ones included). */
  records: number;
  /** Records kept as items. */
  items: number;
  /** Records left out (each has an error issue). */
  skipped: number;
}

export interface UploadResult {
  items: UploadItem[];
  /** Slot names: generator types first, then "user_1".. for untyped user negatives. */
  negativeTypeNames: string[];
  issues: DataIssue[];
  summary: UploadSummary;
}
