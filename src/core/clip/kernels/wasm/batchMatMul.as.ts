// AssemblyScript source of the wasm-SIMD batched product (see ./batchMatMul.ts; built by
// `npm run build:kernels`). tfjs-backend-wasm runs every batched product in a scalar loop
// (~2 GFLOP/s); attention's are many small ones ([L, d] x [d, L], L ~ 20, d = 16), which
// fit this kernel's registers: per row of C, 16 columns in four f32x4 accumulators.
//
// Layout: row-major, C[p] = op(A[p]) @ op(B[p]) for p < batch, C[p] is [m, n]; A[p] is
// [m, k] ([k, m] when transposeA), B[p] is [k, n] ([n, k] when transposeB). A transposed B
// is first copied to `scratch` (k * n floats) so that its rows are contiguous.
// (Not TypeScript: excluded from tsc and biome.)

function transposeInto(src: usize, dst: usize, rows: i32, cols: i32): void {
  // src [rows, cols] -> dst [cols, rows]
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>(c * rows + r)) << 2), load<f32>(src + ((<usize>(r * cols + c)) << 2)));
    }
  }
}

export function batchMatMul(
  a: usize,
  b: usize,
  c: usize,
  batch: i32,
  m: i32,
  k: i32,
  n: i32,
  transposeA: i32,
  transposeB: i32,
  scratch: usize,
): void {
  const aBytes = (<usize>(m * k)) << 2;
  const bBytes = (<usize>(k * n)) << 2;
  const cBytes = (<usize>(m * n)) << 2;
  // Step of A's element (i, kk) along i and along kk.
  const aRowStep: usize = transposeA ? 4 : (<usize>k) << 2;
  const aColStep: usize = transposeA ? (<usize>m) << 2 : 4;
  const bRowStep: usize = (<usize>n) << 2;
  for (let p = 0; p < batch; p++) {
    let bp = b + <usize>p * bBytes;
    if (transposeB) {
      transposeInto(bp, scratch, n, k);
      bp = scratch;
    }
    const ap = a + <usize>p * aBytes;
    const cp = c + <usize>p * cBytes;
    for (let i = 0; i < m; i++) {
      const aRow = ap + <usize>i * aRowStep;
      const cRow = cp + ((<usize>(i * n)) << 2);
      let j = 0;
      for (; j + 16 <= n; j += 16) {
        let acc0 = f32x4.splat(0);
        let acc1 = f32x4.splat(0);
        let acc2 = f32x4.splat(0);
        let acc3 = f32x4.splat(0);
        let bq = bp + ((<usize>j) << 2);
        let aq = aRow;
        for (let kk = 0; kk < k; kk++) {
          const av = f32x4.splat(load<f32>(aq));
          acc0 = f32x4.add(acc0, f32x4.mul(av, v128.load(bq)));
          acc1 = f32x4.add(acc1, f32x4.mul(av, v128.load(bq, 16)));
          acc2 = f32x4.add(acc2, f32x4.mul(av, v128.load(bq, 32)));
          acc3 = f32x4.add(acc3, f32x4.mul(av, v128.load(bq, 48)));
          aq += aColStep;
          bq += bRowStep;
        }
        const out = cRow + ((<usize>j) << 2);
        v128.store(out, acc0);
        v128.store(out, acc1, 16);
        v128.store(out, acc2, 32);
        v128.store(out, acc3, 48);
      }
      for (; j + 4 <= n; j += 4) {
        let acc = f32x4.splat(0);
        let bq = bp + ((<usize>j) << 2);
        let aq = aRow;
        for (let kk = 0; kk < k; kk++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(aq)), v128.load(bq)));
          aq += aColStep;
          bq += bRowStep;
        }
        v128.store(cRow + ((<usize>j) << 2), acc);
      }
      for (; j < n; j++) {
        let acc: f32 = 0;
        let bq = bp + ((<usize>j) << 2);
        let aq = aRow;
        for (let kk = 0; kk < k; kk++) {
          acc += load<f32>(aq) * load<f32>(bq);
          aq += aColStep;
          bq += bRowStep;
        }
        store<f32>(cRow + ((<usize>j) << 2), acc);
      }
    }
  }
}
