import { parseArgs } from "node:util";

type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** Thin wrapper over node:util parseArgs that turns unknown options into one-line errors. */
export function parseCliArgs<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Error((e as Error).message.split("\n")[0]);
  }
}
