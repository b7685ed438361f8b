/**
 * The implicit QL algorithm (EISPACK tql2 / tql1) on a symmetric tridiagonal matrix given by its
 * diagonal `d` and subdiagonal `e` (`e[i]` couples rows i-1 and i; `e[0]` unused), in place:
 * afterwards `d` holds the eigenvalues (unsorted). When `vectors` (row-major n x n, holding the
 * accumulated Householder transform) is given, the rotations are applied to its columns too.
 *
 * @example
 * const d = new Float64Array([2, 2]); const e = new Float64Array([0, 1]);
 * tridiagonalQl(d, e, 2); // d is now [1, 3] in some order
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, vectors?: Float64Array): void {
  const V = vectors;
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m] as number) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          if (V) {
            for (let k = 0; k < n; k++) {
              h = V[k * n + i + 1] as number;
              V[k * n + i + 1] = s * (V[k * n + i] as number) + c * h;
              V[k * n + i] = c * (V[k * n + i] as number) - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}
