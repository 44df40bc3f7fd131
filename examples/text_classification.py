"""Text classification with token ids and an embedding (the sentiment case).

Reviews are sequences of token ids of different lengths (0 is padding): ids 1-40
are neutral words, 41-45 positive, 46-50 negative. A review is "positive" when it
has more positive than negative words, so the model has to read every real step.
The reviews are passed as a ragged list; tsrnn packs them and feeds the ids through
``nn.Embedding(padding_idx=0)``.

Run: ``python examples/text_classification.py``
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from tsrnn import RNNClassifier

POSITIVE, NEGATIVE = np.arange(41, 46), np.arange(46, 51)


def make_reviews(n: int, rng: np.random.Generator):
    reviews, labels = [], []
    for _ in range(n):
        length = rng.integers(5, 30)
        tokens = rng.integers(1, 41, size=length)
        n_pos, n_neg = rng.integers(0, 4, size=2)
        if n_pos == n_neg:
            n_pos += 1
        spots = rng.choice(length, size=min(length, n_pos + n_neg), replace=False)
        kinds = np.r_[rng.choice(POSITIVE, n_pos), rng.choice(NEGATIVE, n_neg)]
        tokens[spots] = kinds[: len(spots)]
        pos = np.isin(tokens, POSITIVE).sum()
        neg = np.isin(tokens, NEGATIVE).sum()
        reviews.append(tokens)
        labels.append("positive" if pos > neg else "negative")
    return reviews, np.array(labels)


def main() -> float:
    rng = np.random.default_rng(0)
    X, y = make_reviews(2000, rng)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    clf = RNNClassifier(
        cell="gru",
        embedding_dim=8,
        hidden_size=32,
        learning_rate=0.01,
        max_epochs=12,
        random_state=0,
    )
    clf.fit(X_train, y_train)
    acc = clf.score(X_test, y_test)
    print(f"vocabulary {clf.vocab_size_ - 1} tokens, classes {clf.classes_.tolist()}")
    print(f"held-out accuracy: {acc:.3f}")
    return acc


if __name__ == "__main__":
    main()
