import * as tf from "@tensorflow/tfjs";

type CustomGradientFunc<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/**
 * torch's `.detach()`: the value of x, with a zero gradient. tfjs 4.22 has no stop-gradient
 * op, and not differentiating w.r.t. an input is not enough when the input is itself a
 * function of differentiated tensors (FSC-CLIP's token-patch map A = stopgrad(W U^T)).
 */
export const stopGradient = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.clone(x),
    gradFunc: (_dy: tf.Tensor, saved: tf.Tensor[]) => tf.zerosLike(saved[0]),
  };
}) as unknown as CustomGradientFunc<tf.Tensor>) as <T extends tf.Tensor>(x: T) => T;
