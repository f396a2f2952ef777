#!/usr/bin/python3
"""Writes the reference fixture for org.greenspoof.classify.Calibration (CalibrationTest).

Run with Debian's interpreter (python3-sklearn 1.2.1, python3-numpy):

    /usr/bin/python3 tools/make_calibration_fixtures.py

Output: src/test/resources/classify/calibration.json, cases of dev scores and labels (1 = bona fide,
0 = spoof) with scikit-learn's Platt fit, the one CalibratedClassifierCV(method='sigmoid') makes:
sklearn.calibration._sigmoid_calibration, which minimises the log loss on Platt's smoothed targets
and returns (A, B) with P(bona fide) = 1 / (1 + exp(A * score + B)); greenspoof's a = -A, b = -B.
Cases: overlapping classes, separable classes (the unsmoothed fit would diverge), unbalanced
(10 % bona fide) and shifted/scaled scores (an SVM margin rather than a logit).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.calibration import _sigmoid_calibration

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "classify")
SEED = 20261202


def case(name, bona, spoof):
    scores = np.concatenate([bona, spoof])
    y = np.concatenate([np.ones(len(bona), dtype=int), np.zeros(len(spoof), dtype=int)])
    a, b = _sigmoid_calibration(scores, y)
    return {"name": name, "scores": scores.tolist(), "y": y.tolist(), "a": -float(a), "b": -float(b)}


def main():
    rng = np.random.default_rng(SEED)
    cases = [
        case("overlapping", rng.normal(1.0, 1.0, 200), rng.normal(-1.0, 1.5, 300)),
        case("separable", rng.uniform(0.5, 3.0, 60), rng.uniform(-3.0, 0.0, 80)),
        case("unbalanced", rng.normal(2.0, 1.0, 40), rng.normal(-0.5, 1.0, 360)),
        case("margin", 0.2 * rng.normal(1.0, 1.0, 150) + 5.0, 0.2 * rng.normal(-1.0, 1.0, 150) + 5.0),
    ]
    doc = {"generator": "tools/make_calibration_fixtures.py", "sklearn": sklearn.__version__, "cases": cases}
    with open(os.path.join(OUT, "calibration.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main()
