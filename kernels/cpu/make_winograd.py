#!/usr/bin/env python3
"""make_winograd.py - the transform matrices of kernels/cpu/winograd.cpp.

Cook-Toom construction of Winograd's F(m, r) (Lavin & Gray 2016): with a = m + r - 1
and a - 1 finite interpolation points p_j plus the point at infinity,
  A^T[i][j] = p_j^i                           (the last column: 1 in the last row)
  G[j][k]   = p_j^k / prod_{l != j} (p_j - p_l)   (the last row: 1 in the last column)
  B^T row j = coefficients of prod_{l != j} (x - p_l), low degree first
              (the last row: those of prod_l (x - p_l))
so that y = A^T [(G g) * (B^T d)] is the correlation y_i = sum_k d_{i+k} g_k.
Prints the matrices exactly (sympy rationals) and checks each against a direct
correlation of random data. Needs sympy and numpy; not a build dependency.
  python3 kernels/cpu/make_winograd.py
"""
import numpy as np
import sympy as sp

x = sp.symbols("x")


def derive(m, r, points):
    a = m + r - 1
    assert len(points) == a - 1
    pts = [sp.Rational(p) for p in points]
    AT, G, BT = sp.zeros(m, a), sp.zeros(a, r), sp.zeros(a, a)
    for j, p in enumerate(pts):
        for i in range(m):
            AT[i, j] = p**i
        denom = sp.prod([p - q for q in pts if q != p])
        for k in range(r):
            G[j, k] = p**k / denom
        coeffs = sp.Poly(sp.prod([x - q for q in pts if q != p]), x).all_coeffs()[::-1]
        for k, c in enumerate(coeffs):
            BT[j, k] = c
    AT[m - 1, a - 1] = 1
    G[a - 1, r - 1] = 1
    for k, c in enumerate(sp.Poly(sp.prod([x - q for q in pts]), x).all_coeffs()[::-1]):
        BT[a - 1, k] = c
    return AT, G, BT


def max_error(AT, G, BT, m, r, trials=100):
    rng = np.random.default_rng(0)
    A, Gm, B = (np.array(M, dtype=float) for M in (AT, G, BT))
    worst = 0.0
    for _ in range(trials):
        d, g = rng.standard_normal(m + r - 1), rng.standard_normal(r)
        direct = np.array([d[i:i + r] @ g for i in range(m)])
        worst = max(worst, np.abs(A @ ((Gm @ g) * (B @ d)) - direct).max())
    return worst


if __name__ == "__main__":
    for m, r in [(4, 3), (2, 5)]:
        AT, G, BT = derive(m, r, [0, 1, -1, 2, -2])
        err = max_error(AT, G, BT, m, r)
        assert err < 1e-12, err
        print(f"F({m}, {r}): max error against direct correlation {err:.1e}")
        for name, M in (("AT", AT), ("G", G), ("BT", BT)):
            print(f"  {name} = {M.tolist()}")
