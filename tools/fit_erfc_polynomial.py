#!/usr/bin/python3
"""Fits the polynomial behind the vector kernels' GELU (VectorKernels.Q0..Q9).

erfc(z) = t q(t) exp(-z^2) with t = 1 / (1 + z / 2): q(t) = erfc(z) exp(z^2) / t is smooth on
t in [1/5.5, 1] (z in [0, 9], past which GELU flushes to zero). A least-squares fit weighted by
1/q (relative error), re-weighted towards the largest errors, approaches the minimax polynomial.
Prints the coefficients (constant term first) and the worst relative error in double and with
the coefficients and Horner's rule in float32.

Usage: /usr/bin/python3 tools/fit_erfc_polynomial.py [degree]   (default 9)
"""
import math
import sys

import numpy as np

Z_MAX = 9.0
POINTS = 4000
ROUNDS = 60


def q(t):
    z = 2.0 * (1.0 - t) / t
    return math.erfc(z) * math.exp(z * z) / t


def main():
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    t_min = 1.0 / (1.0 + Z_MAX / 2.0)
    # Chebyshev-spaced points: the error of a near-minimax fit peaks towards the ends.
    ts = t_min + (1.0 - t_min) * (1.0 - np.cos(np.linspace(0.0, np.pi, POINTS))) / 2.0
    ys = np.array([q(t) for t in ts])
    vander = np.vander(ts, degree + 1, increasing=True)
    w = 1.0 / ys
    for _ in range(ROUNDS):
        c = np.linalg.lstsq(vander * w[:, None], ys * w, rcond=None)[0]
        rel = (vander @ c - ys) / ys
        w = w * (1.0 + 50.0 * np.abs(rel) / np.abs(rel).max())
        w = w / w.mean() * (1.0 / ys).mean()
    c32 = c.astype(np.float32)
    t32 = ts.astype(np.float32)
    p = np.zeros_like(t32)
    for k in reversed(range(degree + 1)):
        p = p * t32 + c32[k]
    rel32 = (p.astype(np.float64) - ys) / ys
    print("coefficients:", ", ".join(repr(float(x)) for x in c))
    print("worst relative error: %.2e in double, %.2e in float32" % (np.abs(rel).max(), np.abs(rel32).max()))


if __name__ == "__main__":
    main()
