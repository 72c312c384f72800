import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseClipConfig } from "../../core/clip/config.js";
import { loadTrainData } from "../../core/data/sources.js";
import { runBundleEntries, runBundleJsonSchema } from "../../core/io/bundle/index.js";
import { zipFiles } from "../../core/io/zip.js";
import type { SerializedState } from "../../core/losses/objective.js";
import { selectNodeBackend } from "../backend.js";
import { readModelFolder } from "../files.js";
import { parseTrainArgs } from "./train.js";
import type { CliCommand } from "./types.js";

/** Takes `--name value` out of the arguments (the rest go to the train parser). */
function takeOption(args: string[], name: string): { value?: string; rest: string[] } {
  const at = args.indexOf(name);
  if (at < 0) return { rest: args };
  if (at + 1 >= args.length) throw new Error(`${name} needs a value`);
  return { value: args[at + 1], rest: [...args.slice(0, at), ...args.slice(at + 2)] };
}

function parseState(text: string | undefined): SerializedState | undefined {
  if (text === undefined) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new Error(`--state must be JSON such as '{"thresholds":[1,2,3,4]}': ${(e as Error).message}`);
  }
  if (!state || typeof state !== "object" || Array.isArray(state))
    throw new Error(`--state must be a JSON object of number arrays`);
  return state as SerializedState;
}

/**
 * `bundle`: writes a run bundle for scale/ (PyTorch DDP): the model, the data as PNGs +
 * pairs.jsonl, run.json with every setting and the carried objective state, and a README.
 * Takes train's options (--model --data --data-size --objective --steps --batch --lr --warmup
 * --seed --checkpoint-every --option); `--out` is a folder or a .zip.
 */
export const bundleCommand: CliCommand = {
  summary:
    "export a run bundle for scale/ (PyTorch DDP): --model <dir> --data <source> --objective <name> " +
    "[train's options] [--state <json>] --out <dir|file.zip>; --print-schema prints run_bundle.schema.json",
  async run(args) {
    if (args.includes("--print-schema")) {
      process.stdout.write(`${JSON.stringify(runBundleJsonSchema(), null, 2)}\n`);
      return 0;
    }
    const { value: stateText, rest } = takeOption(args, "--state");
    const options = parseTrainArgs(rest);
    await selectNodeBackend("cpu"); // only the objective's state is computed (a few numbers)
    const modelFiles = readModelFolder(options.modelDir);
    const configBytes = modelFiles.get("config.json");
    if (!configBytes) throw new Error(`${options.modelDir}: the model folder has no config.json`);
    const imageSize = parseClipConfig(new TextDecoder().decode(configBytes)).vision_config.image_size;
    const source = await loadTrainData(options.data, {
      size: options.dataSize,
      seed: options.config.seed,
      imageSize,
    });
    const entries = runBundleEntries({
      modelFiles,
      source,
      dataName: options.data,
      config: options.config,
      objectiveState: parseState(stateText),
      createdBy: "HardNeg Lab cli bundle",
    });
    const out = options.outDir;
    let files = 0;
    let bytes = 0;
    if (out.endsWith(".zip")) {
      const all = new Map<string, Uint8Array>();
      for await (const [path, data] of entries) all.set(path, data);
      const zip = zipFiles(all);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, zip);
      files = all.size;
      bytes = zip.length;
    } else {
      if (existsSync(out) && readdirSync(out).length > 0)
        throw new Error(`${out} exists and is not empty: give a new folder (or a .zip)`);
      for await (const [path, data] of entries) {
        mkdirSync(dirname(join(out, path)), { recursive: true });
        writeFileSync(join(out, path), data);
        files += 1;
        bytes += data.length;
      }
    }
    const c = options.config;
    process.stdout.write(
      `${JSON.stringify({ out, files, bytes, examples: source.size, objective: c.objective, steps: c.steps, batchSize: c.batchSize })}\n`,
    );
    return 0;
  },
};
