import { bundleCommand } from "./bundle.js";
import { embedCommand } from "./embed.js";
import { evalCommand } from "./eval.js";
import { preprocessCommand } from "./preprocess.js";
import { trainCommand } from "./train.js";
import type { CliCommand } from "./types.js";
import { verifyObjectiveCommand } from "./verifyObjective.js";

/** Registry of CLI commands; each lives in its own file in this folder. */
export const commands: Record<string, CliCommand> = {
  bundle: bundleCommand,
  embed: embedCommand,
  eval: evalCommand,
  preprocess: preprocessCommand,
  train: trainCommand,
  "verify-objective": verifyObjectiveCommand,
};
