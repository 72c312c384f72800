// AssemblyScript source of the wasm-SIMD batched product (see ./batchMatMul.ts; built by
// `npm run build:kernels`). tfjs-backend-wasm runs every batched product in a scalar loop
// (~2 GFLOP/s); attention's are many small ones ([L, d] x [d, L], L ~ 20, d = 16), which
// fit this kernel's registers: per row of C, 16 columns in four f32x4 accumulators.
//
// Layout: row-major, C[p] = op(A[p]) @ op(B[p]) for p < batch, C[p] is [m, n]; A[p] is
// [m, k] ([k, m] when transposeA), B[p] is [k, n] ([n, k] when transposeB). A transposed B
// is first copied to `scratch` (k * n floats) so that its rows are contiguous.
//
// op(A) = A^T with B untransposed is every weight gradient (dW = dY^T X: k = rows of the
// batch, thousands; m, n = layer widths): there a register-blocked loop keeps a 4 x 8 tile
// of C in eight accumulators and walks k in chunks that stay in cache. Each element of C
// still sums its k products in ascending order with a separate multiply and add, so the
// result is the same, bit for bit, as the plain loop's.
// (Not TypeScript: excluded from tsc and biome.)

function transposeInto(src: usize, dst: usize, rows: i32, cols: i32): void {
  // src [rows, cols] -> dst [cols, rows]
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>(c * rows + r)) << 2), load<f32>(src + ((<usize>(r * cols + c)) << 2)));
    }
  }
}

// k rows per pass of the blocked loop: a chunk of A and B (k * (m + n) floats) stays in L2.
const K_CHUNK = 128;

/** c [m, n] = a^T b for a [k, m], b [k, n] (one batch entry), register-blocked. */
function productTransposeA(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  memory.fill(c, 0, (<usize>(m * n)) << 2);
  const aRow: usize = (<usize>m) << 2;
  const bRow: usize = (<usize>n) << 2;
  for (let k0 = 0; k0 < k; k0 += K_CHUNK) {
    const kEnd = min(k, k0 + K_CHUNK);
    const chunk = kEnd - k0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const cRow = c + ((<usize>(i * n)) << 2);
      let j = 0;
      for (; j + 8 <= n; j += 8) {
        const cq = cRow + ((<usize>j) << 2);
        let c00 = v128.load(cq);
        let c01 = v128.load(cq, 16);
        let c10 = v128.load(cq + bRow);
        let c11 = v128.load(cq + bRow, 16);
        let c20 = v128.load(cq + 2 * bRow);
        let c21 = v128.load(cq + 2 * bRow, 16);
        let c30 = v128.load(cq + 3 * bRow);
        let c31 = v128.load(cq + 3 * bRow, 16);
        let aq = a + <usize>k0 * aRow + ((<usize>i) << 2);
        let bq = b + <usize>k0 * bRow + ((<usize>j) << 2);
        for (let kk = 0; kk < chunk; kk++) {
          const b0 = v128.load(bq);
          const b1 = v128.load(bq, 16);
          const a0 = v128.load32_splat(aq);
          c00 = f32x4.add(c00, f32x4.mul(a0, b0));
          c01 = f32x4.add(c01, f32x4.mul(a0, b1));
          const a1 = v128.load32_splat(aq, 4);
          c10 = f32x4.add(c10, f32x4.mul(a1, b0));
          c11 = f32x4.add(c11, f32x4.mul(a1, b1));
          const a2 = v128.load32_splat(aq, 8);
          c20 = f32x4.add(c20, f32x4.mul(a2, b0));
          c21 = f32x4.add(c21, f32x4.mul(a2, b1));
          const a3 = v128.load32_splat(aq, 12);
          c30 = f32x4.add(c30, f32x4.mul(a3, b0));
          c31 = f32x4.add(c31, f32x4.mul(a3, b1));
          aq += aRow;
          bq += bRow;
        }
        v128.store(cq, c00);
        v128.store(cq, c01, 16);
        v128.store(cq + bRow, c10);
        v128.store(cq + bRow, c11, 16);
        v128.store(cq + 2 * bRow, c20);
        v128.store(cq + 2 * bRow, c21, 16);
        v128.store(cq + 3 * bRow, c30);
        v128.store(cq + 3 * bRow, c31, 16);
      }
      // Columns left over: one row of the tile at a time.
      for (let r = i; r < i + 4; r++) edgeTransposeA(a, b, c, m, n, r, j, k0, kEnd);
    }
    // Rows left over.
    for (; i < m; i++) edgeTransposeA(a, b, c, m, n, i, 0, k0, kEnd);
  }
}

/** c[i, j..n) += sum over k0 <= kk < kEnd of a[kk, i] * b[kk, j..n), in ascending kk. */
function edgeTransposeA(a: usize, b: usize, c: usize, m: i32, n: i32, i: i32, j: i32, k0: i32, kEnd: i32): void {
  for (let jj = j; jj < n; jj++) {
    const cq = c + ((<usize>(i * n + jj)) << 2);
    let acc = load<f32>(cq);
    for (let kk = k0; kk < kEnd; kk++) {
      acc += load<f32>(a + ((<usize>(kk * m + i)) << 2)) * load<f32>(b + ((<usize>(kk * n + jj)) << 2));
    }
    store<f32>(cq, acc);
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
  if (transposeA && !transposeB) {
    for (let p = 0; p < batch; p++) {
      productTransposeA(a + <usize>p * aBytes, b + <usize>p * bBytes, c + <usize>p * cBytes, m, k, n);
    }
    return;
  }
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
