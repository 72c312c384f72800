import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import deglaCases from "../../../test/fixtures/losses/degla.json";
import { emaUpdate } from "./ema.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const close = (ours: ArrayLike<number>, reference: number[], tolerance: number) => {
  expect(ours.length).toBe(reference.length);
  reference.forEach((r, j) => {
    expect(Math.abs(ours[j] - r)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(r)));
  });
};

describe("emaUpdate (DeGLA's teacher)", () => {
  it("applies theta* <- alpha theta* + (1 - alpha) theta to every parameter, shapes kept", () => {
    const teacherValues = { w: [1, -2, 3, 4, 0.5, -6], b: [10], g: [0.25, -0.75] };
    const studentValues = { w: [2, 2, -3, 4, 1.5, 0], b: [-10], g: [1, 1] };
    const shapes = { w: [2, 3], b: [], g: [2] };
    const teacher = new Map<string, tf.Variable>();
    const student = new Map<string, tf.Tensor>();
    for (const name of ["w", "b", "g"] as const) {
      teacher.set(name, tf.variable(tf.tensor(teacherValues[name], shapes[name])));
      student.set(name, tf.tensor(studentValues[name], shapes[name]));
    }
    const before = tf.memory().numTensors;
    emaUpdate(teacher, student, 0.9);
    expect(tf.memory().numTensors).toBe(before);
    for (const name of ["w", "b", "g"] as const) {
      const expected = teacherValues[name].map((t, j) => 0.9 * t + 0.1 * studentValues[name][j]);
      expect(teacher.get(name)!.shape).toEqual(shapes[name]);
      close(teacher.get(name)!.dataSync(), expected, 1e-6);
      close(student.get(name)!.dataSync(), studentValues[name], 0); // the student is untouched
    }
    emaUpdate(teacher, student); // default alpha 0.9996
    const w = teacherValues.w.map((t, j) => 0.9 * t + 0.1 * studentValues.w[j]);
    close(
      teacher.get("w")!.dataSync(),
      w.map((t, j) => 0.9996 * t + 0.0004 * studentValues.w[j]),
      1e-6,
    );
    tf.dispose([...teacher.values(), ...student.values()]);
  });

  it("matches every ema case of degla.json", () => {
    expect(deglaCases.ema.length).toBeGreaterThan(0);
    for (const c of deglaCases.ema) {
      const teacher = new Map([["p", tf.variable(tf.tensor1d(c.teacher))]]);
      const student = new Map([["p", tf.tensor1d(c.student)]]);
      emaUpdate(teacher, student, c.alpha);
      close(teacher.get("p")!.dataSync(), c.teacher_after, 1e-6);
      tf.dispose([...teacher.values(), ...student.values()]);
    }
  });

  it("refuses a missing or mis-shaped student parameter and a bad alpha, changing nothing", () => {
    const teacher = new Map([
      ["a", tf.variable(tf.tensor1d([1, 2]))],
      ["b", tf.variable(tf.tensor1d([3]))],
    ]);
    const student = new Map<string, tf.Tensor>([["a", tf.tensor1d([0, 0])]]);
    expect(() => emaUpdate(teacher, student)).toThrow(/"b"/);
    student.set("b", tf.tensor1d([0, 0]));
    expect(() => emaUpdate(teacher, student)).toThrow(/"b" of shape \[1\]/);
    student.set("b", tf.tensor1d([0]));
    expect(() => emaUpdate(teacher, student, 1.5)).toThrow(/alpha/);
    expect(Array.from(teacher.get("a")!.dataSync())).toEqual([1, 2]);
  });
});
