"""Variable-length sequences: predict the mean of each sequence with RNNRegressor.

The sequences have 3 to 20 steps and are passed as a plain Python list; tsrnn pads,
packs and masks internally, so each prediction depends on the real steps only.

Run: ``python examples/variable_length_regression.py``
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from tsrnn import RNNRegressor


def main() -> float:
    rng = np.random.default_rng(0)
    X = [rng.normal(size=n) for n in rng.integers(3, 21, size=1200)]
    y = np.array([x.mean() for x in X])
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

    reg = RNNRegressor(
        cell="gru", hidden_size=16, learning_rate=0.01, max_epochs=15, random_state=0
    )
    reg.fit(X_train, y_train)
    r2 = reg.score(X_test, y_test)
    print(
        f"lengths {min(map(len, X))}..{max(map(len, X))}, "
        f"{len(X_train)} train / {len(X_test)} test sequences"
    )
    print(f"held-out R^2: {r2:.3f}")
    return r2


if __name__ == "__main__":
    main()
