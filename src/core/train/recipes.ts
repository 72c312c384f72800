/**
 * The shapes-world fine-tuning settings that `npm run reproduce` gives every row (same steps,
 * cosine horizon, batch, rate and scenes), so the app's one-click recipe and the table's
 * numbers come from one place. The cure needs the rate to stay up: the horizon is longer
 * than the run.
 */
export const SHAPES_FINETUNE_SETTINGS = {
  steps: 2500,
  decaySteps: 3000,
  batchSize: 64,
  lr: 1e-3,
  warmupSteps: 50,
  /** A scene mix of shapesWorld/source.ts (SCENE_MIXES). */
  scenes: "two-objects",
} as const;

/**
 * The objective of the app's cure recipe: CE-CLIP with a fixed threshold of 10, which took the
 * default model's object swap and relation from chance to about 0.9 on held-out pairs in
 * `npm run reproduce`. The adaptive threshold (the paper's default) stays ~0 while a type sits
 * at chance, and a rank loss without margin holds such a type there (ceclipSymmetry.test.ts);
 * it never cured here. See the README's "Reproduce".
 */
export const SHAPES_CURE_OBJECTIVE = {
  objective: "ceclip",
  objectiveOptions: { thresholdType: "fixed", fixedThreshold: 10 },
} as const;

/**
 * The data seed of the app's cure recipe: which two-object scenes it draws, and in what order.
 * When the cure comes depends on the order (README, "Reproduce", across scene orders). Of the
 * four orders measured, seed 1's came first (~1,400 steps) and met every target:
 * `npm run reproduce -- --train-seed 1 --dir reproduce/train-seed-1`. `npm run reproduce`'s own
 * table keeps seed 0 for every row.
 */
export const SHAPES_CURE_TRAIN_SEED = 1;
