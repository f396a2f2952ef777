#!/usr/bin/python3
"""Writes the reference fixtures for org.greenspoof.classify and org.greenspoof.metrics.

Run with Debian's interpreter (python3-sklearn 1.2.1, python3-numpy):

    /usr/bin/python3 tools/make_classifier_fixtures.py

Outputs (all under src/test/resources/classify/, small, deterministic for a fixed seed):
  logreg.json     features, labels and scikit-learn LogisticRegression fits (coef, intercept,
                  P(y=1)) for several C, with and without class_weight='balanced' and standardisation
                  (reference solver newton-cholesky; see sklearn_fit for why not lbfgs), and
                  LinearSVC (squared hinge) coef, intercept and decision_function
  metrics.json    CM score sets (ties, tiny sets) with ASV scores, and EER / EER threshold /
                  DET points / min t-DCF (ASVspoof 2019 legacy and 2021) computed here
  mlp.json        MLPClassifier (adam, full batch, no shuffling, no early stopping) trained from
                  given initial weights: the initial and final weights and P(y=1), for tanh and relu
  model-v1-lr.json, model-v1-mlp.json
                  model files in greenspoof's format 1.0 (the compatibility fixtures): a
                  standardised sklearn logistic regression and a numpy tanh MLP with seeded random
                  weights, each with inputs and the scores sklearn / numpy give them
  eval/*          a CM protocol, 4- and 2-column score files and an ASV score file for the CLI
                  test, with the expected figures in eval/expected.json

The metric functions below are written from the official definitions (ASVspoof 2021
eval-package eval_metrics.py / eval_wrapper.py, ASVspoof 2019 tDCF_python), not copied.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.svm import LinearSVC
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "classify")
SEED = 20261126

# Official cost model (ASVspoof 2019 evaluate_tDCF_asvspoof19.py; 2021 eval-package config.py).
PSPOOF = 0.05
COST = {
    "Pspoof": PSPOOF,
    "Ptar": (1 - PSPOOF) * 0.99,
    "Pnon": (1 - PSPOOF) * 0.01,
    "Cmiss": 1, "Cfa": 10, "Cfa_spoof": 10,            # 2021 definition
    "Cmiss_asv": 1, "Cfa_asv": 10, "Cmiss_cm": 1, "Cfa_cm": 10,  # 2019 legacy definition
}


# ---------------------------------------------------------------- metrics (official definitions)

def det_curve(tar, non):
    scores = np.concatenate((tar, non))
    labels = np.concatenate((np.ones(tar.size), np.zeros(non.size)))
    order = np.argsort(scores, kind="mergesort")  # stable: targets first among ties
    labels = labels[order]
    tar_sums = np.cumsum(labels)
    non_sums = non.size - (np.arange(1, scores.size + 1) - tar_sums)
    frr = np.concatenate(([0.0], tar_sums / tar.size))
    far = np.concatenate(([1.0], non_sums / non.size))
    thr = np.concatenate(([scores[order[0]] - 0.001], scores[order]))
    return frr, far, thr


def eer(tar, non):
    frr, far, thr = det_curve(tar, non)
    i = np.argmin(np.abs(frr - far))
    return float(np.mean((frr[i], far[i]))), float(thr[i])


def asv_rates(tar_asv, non_asv, spoof_asv):
    _, t = eer(tar_asv, non_asv)
    pfa = np.sum(non_asv >= t) / non_asv.size
    pmiss = np.sum(tar_asv < t) / tar_asv.size
    pmiss_spoof = np.sum(spoof_asv < t) / spoof_asv.size
    pfa_spoof = np.sum(spoof_asv >= t) / spoof_asv.size
    return pfa, pmiss, pmiss_spoof, pfa_spoof


def min_tdcf_2019(bona, spoof, asv):
    pfa, pmiss, pmiss_spoof, _ = asv_rates(*asv)
    c = COST
    c1 = c["Ptar"] * (c["Cmiss_cm"] - c["Cmiss_asv"] * pmiss) - c["Pnon"] * c["Cfa_asv"] * pfa
    c2 = c["Cfa_cm"] * c["Pspoof"] * (1 - pmiss_spoof)
    pmiss_cm, pfa_cm, _ = det_curve(bona, spoof)
    norm = (c1 * pmiss_cm + c2 * pfa_cm) / np.minimum(c1, c2)
    return float(norm[norm.argmin()])


def min_tdcf_2021(bona, spoof, asv):
    pfa, pmiss, _, pfa_spoof = asv_rates(*asv)
    c = COST
    c0 = c["Ptar"] * c["Cmiss"] * pmiss + c["Pnon"] * c["Cfa"] * pfa
    c1 = c["Ptar"] * c["Cmiss"] - c0
    c2 = c["Pspoof"] * c["Cfa_spoof"] * pfa_spoof
    pmiss_cm, pfa_cm, _ = det_curve(bona, spoof)
    norm = (c0 + c1 * pmiss_cm + c2 * pfa_cm) / (c0 + np.minimum(c1, c2))
    return float(norm[norm.argmin()])


# ---------------------------------------------------------------- logistic regression

def datasets(rng):
    out = {}
    n = 60
    x = np.vstack([rng.normal(-3, 1, (n // 2, 3)), rng.normal(3, 1, (n // 2, 3))])
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)]
    out["separable"] = (x, y)

    n = 200
    x = rng.normal(0, 1, (n, 5)) * np.array([1.0, 2.0, 0.5, 10.0, 1.0]) + np.array([0, 1, -1, 5, 0])
    logit = 0.8 * x[:, 0] - 0.5 * x[:, 1] + 1.5 * x[:, 2] + 0.05 * x[:, 3] - 0.2
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(float)
    out["nonseparable"] = (x, y)

    n = 150
    y = (rng.uniform(size=n) < 0.1).astype(float)
    x = rng.normal(0, 1, (n, 4)) + y[:, None] * np.array([1.0, 0.5, 0.0, -0.7])
    out["imbalanced"] = (x, y)

    n = 120
    x = rng.normal(0, 1, (n, 4))
    x[:, 2] = 2.5
    y = (x[:, 0] + 0.7 * x[:, 3] + rng.normal(0, 0.8, n) > 0).astype(float)
    out["constant_column"] = (x, y)
    # Embeddings are float32 in greenspoof: give sklearn exactly the values Java will see.
    return {k: (x.astype(np.float32).astype(np.float64), y) for k, (x, y) in out.items()}


def sklearn_fit(x, y, c, balanced, standardize):
    """Reference fit by sklearn's newton-cholesky (exact Newton, converges to the optimum).

    sklearn's lbfgs at tol=1e-10 stops on its relative function-decrease test (ftol = 64 eps)
    before the coefficients settle on ill-conditioned problems (up to 7e-2 relative on the
    constant-column case at C=100, where the constant feature is nearly collinear with the
    intercept); its gap to the converged solution is recorded as lbfgs_rel_gap.
    """
    xs = x
    if standardize:
        xs = StandardScaler().fit(x).transform(x)
    fitted = {}
    for solver in ("newton-cholesky", "lbfgs"):
        lr = LogisticRegression(C=c, class_weight="balanced" if balanced else None, solver=solver,
                                tol=1e-10, max_iter=1_000_000)
        fitted[solver] = lr.fit(xs, y)
    ref = fitted["newton-cholesky"]
    theta = np.r_[ref.coef_[0], ref.intercept_]
    theta_lbfgs = np.r_[fitted["lbfgs"].coef_[0], fitted["lbfgs"].intercept_]
    return {
        "C": c,
        "balanced": balanced,
        "standardize": standardize,
        "solver": "newton-cholesky",
        "coef": ref.coef_[0].tolist(),
        "intercept": float(ref.intercept_[0]),
        "proba": ref.predict_proba(xs)[:, 1].tolist(),
        "lbfgs_rel_gap": float(np.abs(theta_lbfgs - theta).max() / np.abs(theta).max()),
    }


def sklearn_svm_fit(x, y, c, balanced, standardize):
    """LinearSVC (squared hinge, intercept as a penalised constant feature), liblinear's primal
    trust-region Newton solver (dual=False), which converges to the optimum at tol 1e-10."""
    xs = StandardScaler().fit(x).transform(x) if standardize else x
    svm = LinearSVC(C=c, loss="squared_hinge", dual=False, class_weight="balanced" if balanced else None,
                    tol=1e-10, max_iter=1_000_000).fit(xs, y)
    return {"C": c, "balanced": balanced, "standardize": standardize, "coef": svm.coef_[0].tolist(),
            "intercept": float(svm.intercept_[0]), "decision": svm.decision_function(xs).tolist()}


def logreg_fixture(rng):
    cases = []
    for name, (x, y) in datasets(rng).items():
        fits = []
        for c in (0.01, 1.0, 100.0):
            for balanced in (False, True):
                fits.append(sklearn_fit(x, y, c, balanced, False))
        fits.append(sklearn_fit(x, y, 1.0, True, True))
        svm = [sklearn_svm_fit(x, y, c, balanced, False) for c in (0.01, 1.0) for balanced in (False, True)]
        svm.append(sklearn_svm_fit(x, y, 1.0, True, True))
        cases.append({"name": name, "x": x.tolist(), "y": y.astype(int).tolist(), "fits": fits, "svm_fits": svm})
    return {"sklearn_version": sklearn.__version__, "cases": cases}


# ---------------------------------------------------------------- score sets

def asv_scores(rng, n_tar, n_non, n_spoof):
    return (np.round(rng.normal(3, 1.5, n_tar), 2), np.round(rng.normal(-3, 1.5, n_non), 2),
            np.round(rng.normal(0.5, 2.0, n_spoof), 2))


def metric_case(name, bona, spoof, asv, with_det=True):
    e, t = eer(bona, spoof)
    case = {"name": name, "bona": bona.tolist(), "spoof": spoof.tolist(), "eer": e, "eer_threshold": t}
    if with_det:
        frr, far, thr = det_curve(bona, spoof)
        case.update({"det_frr": frr.tolist(), "det_far": far.tolist(), "det_threshold": thr.tolist()})
    if asv is not None:
        case["asv_target"], case["asv_nontarget"], case["asv_spoof"] = (a.tolist() for a in asv)
        case["min_tdcf_2019"] = min_tdcf_2019(bona, spoof, asv)
        case["min_tdcf_2021"] = min_tdcf_2021(bona, spoof, asv)
    return case


def metrics_fixture(rng):
    cases = []
    # Coarse rounding gives many ties within and across classes.
    bona = np.round(rng.normal(1.0, 1.0, 300), 1)
    spoof = np.round(rng.normal(-1.0, 1.2, 700), 1)
    cases.append(metric_case("ties", bona, spoof, asv_scores(rng, 200, 300, 150)))
    cases.append(metric_case("tiny", np.array([0.5, 0.2]), np.array([0.2, -0.1, 0.7]),
                             (np.array([1.0, 2.0, 0.5]), np.array([-1.0, 0.6]), np.array([0.0, 1.5, 2.5]))))
    cases.append(metric_case("all_tied", np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 2.0]), None))
    cases.append(metric_case("perfect", np.array([3.0, 4.0, 5.0]), np.array([-1.0, 0.0, 1.0, 2.0]), None))
    cases.append(metric_case("inverted", np.array([-3.0, -2.0]), np.array([1.0, 2.0, 3.0]), None))
    b = rng.normal(0.3, 1.0, 1500)
    s = rng.normal(-0.3, 1.0, 3000)
    cases.append(metric_case("continuous", b, s, asv_scores(rng, 400, 400, 300), with_det=False))
    return {"cases": cases}


def eval_files(rng):
    """A small CM protocol, score files in both formats and an ASV score file for `greenspoof eval`."""
    d = os.path.join(OUT, "eval")
    os.makedirs(d, exist_ok=True)
    attacks = ["A07", "A08", "A09"]
    rows = []
    for i in range(60):
        rows.append(("LA_%04d" % (i % 7), "LA_E_%07d" % (1000 + i), "-", "bonafide", round(rng.normal(1.5, 1.0), 3)))
    for i in range(150):
        a = attacks[i % 3]
        shift = {"A07": -2.0, "A08": -0.5, "A09": 0.8}[a]
        rows.append(("LA_%04d" % (i % 7), "LA_E_%07d" % (2000 + i), a, "spoof", round(rng.normal(shift, 1.0), 3)))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    with open(os.path.join(d, "protocol.txt"), "w") as f:
        for spk, utt, att, key, _ in rows:
            f.write("%s %s - %s %s\n" % (spk, utt, att, key))
    with open(os.path.join(d, "scores4.txt"), "w") as f:
        for _, utt, att, key, sc in rows:
            f.write("%s %s %s %r\n" % (utt, att, key, sc))
    with open(os.path.join(d, "scores2.txt"), "w") as f:
        for _, utt, _, _, sc in reversed(rows):
            f.write("%s %r\n" % (utt, sc))
    tar, non, spf = asv_scores(rng, 80, 120, 90)
    with open(os.path.join(d, "asv.txt"), "w") as f:
        for v in tar:
            f.write("LA_0001 target %r\n" % float(v))
        for v in non:
            f.write("LA_0002 nontarget %r\n" % float(v))
        for i, v in enumerate(spf):
            f.write("%s spoof %r\n" % (attacks[i % 3], float(v)))
    bona = np.array([r[4] for r in rows if r[3] == "bonafide"])
    spoof = np.array([r[4] for r in rows if r[3] == "spoof"])
    asv = (tar, non, spf)
    e, t = eer(bona, spoof)
    per_attack = {a: 100 * eer(bona, np.array([r[4] for r in rows if r[2] == a]))[0] for a in attacks}
    expected = {"eer_percent": 100 * e, "eer_threshold": t,
                "min_tdcf": min_tdcf_2019(bona, spoof, asv), "min_tdcf_2021": min_tdcf_2021(bona, spoof, asv),
                "per_attack": per_attack}
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def model_files(rng):
    """Format-1.0 model files with the scores an independent implementation gives."""
    x = np.round(rng.normal(0, 2, (40, 5)), 3).astype(np.float32).astype(np.float64)
    y = (x[:, 0] - x[:, 2] + rng.normal(0, 1, 40) > 0).astype(int)
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=0.5, class_weight="balanced", solver="newton-cholesky", tol=1e-10).fit(scaler.transform(x), y)
    common = {
        "format_version": "1.0", "greenspoof_version": "0.1.0", "created": "2026-11-26T08:00:00Z",
        "training_seconds": 0.25, "threshold": 0.125,
        "score": "logit of P(bona fide); bona fide when score > threshold",
        "provenance": {"encoder": "facebook/wav2vec2-base", "encoder_sha256": "0" * 64, "layer": 5,
                       "pooling": "mean", "training_data": {"store": "stores/train",
                       "class_counts": {"bonafide": int(y.sum()), "spoof": int(40 - y.sum())},
                       "attack_counts": {"A01": int(40 - y.sum())}}},
        "standardizer": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()},
    }
    lr_file = dict(common, classifier="logistic_regression", parameter_count=6,
                   hyperparameters={"C": 0.5, "class_weight": "balanced", "standardize": True,
                                    "tolerance": 1e-10, "max_iterations": 100000},
                   weights={"coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0])})
    h = 3
    w1 = rng.normal(0, 0.7, (h, 5))
    b1 = rng.normal(0, 0.3, h)
    w2 = rng.normal(0, 1.0, h)
    b2 = float(rng.normal(0, 0.3))
    mlp_file = dict(common, classifier="mlp", parameter_count=h * 5 + 2 * h + 1,
                    hyperparameters={"hidden": h, "activation": "tanh", "alpha": 1e-4, "learning_rate": 1e-3,
                                     "batch_size": 200, "max_epochs": 200, "validation_fraction": 0.1,
                                     "patience": 10, "tolerance": 1e-4, "seed": 42, "class_weight": "balanced",
                                     "standardize": True},
                    weights={"hidden_weight": w1.tolist(), "hidden_bias": b1.tolist(), "output_weight": w2.tolist(),
                             "output_bias": b2, "epochs": 17})
    xs = scaler.transform(x)
    mlp_scores = np.tanh(xs @ w1.T + b1) @ w2 + b2
    for name, doc in (("model-v1-lr.json", lr_file), ("model-v1-mlp.json", mlp_file)):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(doc, f, indent=1)
    with open(os.path.join(OUT, "model-v1-inputs.json"), "w") as f:
        json.dump({"x": x.tolist(), "lr_scores": lr.decision_function(xs).tolist(),
                   "mlp_scores": mlp_scores.tolist()}, f)


def mlp_fixture():
    """sklearn's Adam trajectory from known initial weights, so the Java MLP can replay it."""
    rng = np.random.default_rng(SEED + 1)
    n, d, h = 160, 5, 4
    x = rng.normal(0, 1, (n, d)).astype(np.float32).astype(np.float64)
    y = (x[:, 0] * x[:, 1] + 0.5 * x[:, 2] + rng.normal(0, 0.3, n) > 0).astype(int)
    runs = []
    for activation in ("tanh", "relu"):
        w1 = rng.uniform(-0.8, 0.8, (h, d))
        b1 = rng.uniform(-0.8, 0.8, h)
        w2 = rng.uniform(-0.8, 0.8, h)
        b2 = float(rng.uniform(-0.8, 0.8))
        clf = MLPClassifier(hidden_layer_sizes=(h,), activation=activation, solver="adam", alpha=1e-3,
                            batch_size=n, learning_rate_init=1e-2, max_iter=1, shuffle=False, tol=0.0,
                            n_iter_no_change=10 ** 6, early_stopping=False, warm_start=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(x, y)  # builds the layers; the weights are replaced next
            clf.coefs_ = [w1.T.copy(), w2.reshape(h, 1).copy()]
            clf.intercepts_ = [b1.copy(), np.array([b2])]
            clf.set_params(max_iter=60)
            clf.fit(x, y)  # warm start keeps the weights; a fresh Adam state per fit
        runs.append({
            "activation": activation, "alpha": 1e-3, "learning_rate": 1e-2, "epochs": 60, "hidden": h,
            "init": np.r_[w1.ravel(), b1, w2, b2].tolist(),
            "final": np.r_[clf.coefs_[0].T.ravel(), clf.intercepts_[0], clf.coefs_[1].ravel(), clf.intercepts_[1]].tolist(),
            "proba": clf.predict_proba(x)[:, 1].tolist(),
        })
    with open(os.path.join(OUT, "mlp.json"), "w") as f:
        json.dump({"x": x.tolist(), "y": y.tolist(), "runs": runs}, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    with open(os.path.join(OUT, "logreg.json"), "w") as f:
        json.dump(logreg_fixture(rng), f)
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(metrics_fixture(rng), f)
    eval_files(rng)
    model_files(rng)
    mlp_fixture()
    print("fixtures written to", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
