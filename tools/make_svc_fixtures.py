#!/usr/bin/python3
"""Writes the reference fixture for org.greenspoof.classify.RbfSvm (RbfSvmParityTest).

Run with Debian's interpreter (python3-sklearn 1.2.1, python3-numpy):

    /usr/bin/python3 tools/make_svc_fixtures.py

Output: src/test/resources/classify/svc.json, cases of features, labels and fits of scikit-learn's
SVC(kernel='rbf', gamma='scale' times a factor, tol=1e-3, shrinking=True), each fit with its gamma,
support_ (training indices of the support vectors), dual_coef_, intercept_ and decision_function
on the training rows and on held-out rows. Cases: overlapping classes (non-separable), separable,
unbalanced (10 % bona fide, with and without class_weight='balanced'), standardised inputs
(StandardScaler then SVC), and a larger one that makes the solver shrink and the kernel cache evict.
Labels: 1 = bona fide (greenspoof's positive class), 0 = spoof.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "classify")
SEED = 20261202


def f32(x):
    """Embeddings are float32 in greenspoof: give sklearn exactly the values Java will see."""
    return x.astype(np.float32).astype(np.float64)


def datasets(rng):
    out = {}
    n, d = 160, 6
    y = (rng.uniform(size=n) < 0.5).astype(int)
    x = rng.normal(0, 1, (n, d)) + y[:, None] * np.array([1.0, -0.8, 0.5, 0.0, 0.3, 0.0])
    out["nonseparable"] = (x, y, {})

    n, d = 80, 3
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    x = np.vstack([rng.normal(-2.5, 0.7, (n // 2, d)), rng.normal(2.5, 0.7, (n // 2, d))])
    out["separable"] = (x, y, {})

    n, d = 200, 4
    y = (rng.uniform(size=n) < 0.1).astype(int)
    x = rng.normal(0, 1, (n, d)) * np.array([1.0, 3.0, 0.5, 1.0])
    x[:, 0] += 1.5 * y
    out["unbalanced"] = (x, y, {})
    out["unbalanced_balanced"] = (x, y, {"class_weight": "balanced"})

    n, d = 150, 5
    y = (rng.uniform(size=n) < 0.4).astype(int)
    x = rng.normal(0, 1, (n, d)) * np.array([0.01, 100.0, 1.0, 5.0, 0.2]) + np.array([3, -50, 0, 10, 1])
    x[:, 0] += 0.01 * y
    x[:, 2] += 0.8 * y
    out["standardized"] = (x, y, {"standardize": True})

    n, d = 1500, 8
    y = (rng.uniform(size=n) < 0.3).astype(int)
    x = rng.normal(0, 1, (n, d))
    x[:, :3] += y[:, None] * np.array([0.6, -0.4, 0.5])
    x[:, 3] += 0.5 * np.sin(2 * x[:, 4]) * (2 * y - 1)
    out["large"] = (x, y, {"class_weight": "balanced"})
    return out


def fits(x, y, opts, held):
    xs, hs = x, held
    if opts.get("standardize"):
        scaler = StandardScaler().fit(x)
        # Java standardises into float32 rows (its training matrix); give sklearn the same values.
        xs, hs = f32(scaler.transform(x)), scaler.transform(held)
    out = []
    for c in (0.5, 10.0):
        for factor in (1.0, 3.0):
            gamma = factor / (xs.shape[1] * xs.var())
            svc = SVC(C=c, kernel="rbf", gamma=gamma, tol=1e-3, shrinking=True, cache_size=200,
                      class_weight=opts.get("class_weight")).fit(xs, y)
            scale = SVC(C=c, kernel="rbf", gamma="scale", class_weight=opts.get("class_weight")).fit(xs, y)
            assert factor != 1.0 or np.allclose(scale._gamma, gamma, rtol=1e-15, atol=0)
            out.append({"C": c, "gamma_factor": factor, "gamma": float(svc._gamma),
                        "support": svc.support_.tolist(), "dual_coef": svc.dual_coef_[0].tolist(),
                        "intercept": float(svc.intercept_[0]), "n_iter": int(svc.n_iter_[0]),
                        "decision_train": svc.decision_function(xs).tolist(),
                        "decision_held": svc.decision_function(hs).tolist()})
    return out


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    for name, (x, y, opts) in datasets(rng).items():
        x = f32(x)
        held = f32(x[rng.integers(0, len(x), 40)] + rng.normal(0, 0.3, (40, x.shape[1])))
        cases.append({"name": name, "balanced": opts.get("class_weight") == "balanced",
                      "standardize": bool(opts.get("standardize")), "x": x.tolist(), "y": y.tolist(),
                      "held": held.tolist(), "fits": fits(x, y, opts, held)})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "svc.json"), "w") as f:
        json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f)
    print("wrote", os.path.normpath(os.path.join(OUT, "svc.json")), file=sys.stderr)


if __name__ == "__main__":
    main()
