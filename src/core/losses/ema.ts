import * as tf from "@tensorflow/tfjs";

/**
 * DeGLA's teacher update after every optimiser step: theta* <- alpha theta* + (1 - alpha) theta
 * over all parameters. Like the flat AdamW (../train/adamw.ts), the parameters are blended
 * as one flat vector, so a step costs a handful of kernels plus one slice per parameter
 * instead of three kernels per parameter.
 */

export const DEFAULT_TEACHER_DECAY = 0.9996;

/**
 * Moves every teacher variable towards the student parameter of the same name, in place.
 * Throws (before changing anything) when a teacher parameter has no student counterpart of
 * the same shape.
 */
export function emaUpdate(
  teacher: Map<string, tf.Variable>,
  student: Map<string, tf.Tensor>,
  alpha = DEFAULT_TEACHER_DECAY,
): void {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`emaUpdate: alpha must be in [0, 1], got ${alpha}`);
  const names = [...teacher.keys()];
  for (const name of names) {
    const [t, s] = [teacher.get(name)!, student.get(name)];
    if (!s || s.shape.join() !== t.shape.join()) {
      throw new Error(`emaUpdate: student has no parameter "${name}" of shape [${t.shape}]`);
    }
  }
  if (names.length === 0) return;
  tf.tidy(() => {
    const flat = (tensors: tf.Tensor[]) => tf.concat(tensors.map((x) => tf.reshape(x, [-1])));
    const blended = tf.add(
      tf.mul(flat(names.map((n) => teacher.get(n)!)), alpha),
      tf.mul(flat(names.map((n) => student.get(n)!)), 1 - alpha),
    );
    const pieces = tf.split(
      blended,
      names.map((n) => teacher.get(n)!.size),
    );
    names.forEach((name, i) => {
      const variable = teacher.get(name)!;
      variable.assign(tf.reshape(pieces[i], variable.shape));
    });
  });
}
