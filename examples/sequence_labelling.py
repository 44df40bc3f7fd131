"""Sequence labelling on real data: which days were working days, from rentals alone.

The bundled Capital Bikeshare data (2011-2012, daily) count casual and registered
riders. Registered riders commute, casual ones ride on days off, so the mix tells a
working day from a weekend or holiday -- but not day by day alone (weather moves
both). An ``RNNSequenceClassifier`` reads four-week stretches of the two counts and
labels every day. It is fitted on 2011 and scored on 2012, step by step, against
the majority label (every day a working day).

Run: ``python examples/sequence_labelling.py``
"""

from __future__ import annotations

import numpy as np

from tsrnn import RNNSequenceClassifier
from tsrnn.datasets import load_bike_sharing


def stretches(frame, days: int = 28):
    """Consecutive ``days``-day stretches: inputs ``(n, days, 2)`` and labels ``(n, days)``."""
    counts = np.log1p(frame[["casual", "registered"]].to_numpy(dtype=float))
    labels = np.where(frame["workingday"].to_numpy() == 1, "working", "day off")
    starts = range(0, len(frame) - days + 1, 7)  # a new stretch every week
    X = np.stack([counts[s : s + days] for s in starts])
    y = np.stack([labels[s : s + days] for s in starts])
    return X, y


def main() -> tuple[float, float]:
    data = load_bike_sharing()
    X_train, y_train = stretches(data.loc["2011"])
    X_test, y_test = stretches(data.loc["2012"])
    clf = RNNSequenceClassifier(
        cell="gru", bidirectional=True, hidden_size=16, max_epochs=60, random_state=0
    )
    clf.fit(X_train, y_train)
    accuracy = clf.score(X_test, y_test)
    majority = float(np.mean(y_test == "working"))
    print(
        f"{len(X_train)} training stretches of 28 days, {len(X_test)} held out (2012)"
    )
    print(f"per-day accuracy: {accuracy:.3f}  (majority label: {majority:.3f})")
    print("first held-out week:", clf.predict(X_test[:1])[0, :7].tolist())
    return accuracy, majority


if __name__ == "__main__":
    main()
