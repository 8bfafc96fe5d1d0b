"""Evaluation metrics as stages: images -> features -> statistics -> distance.

    from gantutor import metrics
    f_real = metrics.features(x_real, extractor="mnist-cnn", pixel_range="[-1,1]")
    f_fake = metrics.features_of_generator(G, 1_000, 100, latent_dim, device,
                                           extractor="mnist-cnn")
    metrics.frechet_distance_of(metrics.statistics(f_real), metrics.statistics(f_fake))
    metrics.fid(x_real, x_fake, features="inception", pixel_range="uint8")

Every image pass names its pixel range (``"[-1,1]"``, ``"[0,1]"`` or ``"uint8"``)
and the images are checked against it: a wrong range is the most common FID bug.
FID from the ``"mnist-cnn"`` features is a different number from Inception FID;
report it as "FID (mnist-cnn)". Distances (:func:`inception_score`, :func:`kid`,
:func:`precision_recall`, :func:`ndb`) are pure functions of features or logits.
2-D mode coverage is :meth:`gantutor.data.Mixture.coverage`.
"""

from gantutor.metrics import cache, extractors
from gantutor.metrics.extractors import (
    EXTRACTORS,
    Extractor,
    extractor,
    inception_untrained_for_tests,
)
from gantutor.metrics.frechet import (
    Statistics,
    StatisticsAccumulator,
    frechet_distance,
    frechet_distance_of,
    statistics,
)
from gantutor.metrics.manifold import precision_recall
from gantutor.metrics.ndb import NDBResult, ndb
from gantutor.metrics.passes import (
    PIXEL_RANGES,
    features,
    features_of_generator,
    fid,
    iter_features,
    to_model_range,
)
from gantutor.metrics.precision import PRECISIONS
from gantutor.metrics.scores import inception_score, kid
from gantutor.metrics.transport import empirical_w1

__all__ = [
    "EXTRACTORS",
    "PIXEL_RANGES",
    "PRECISIONS",
    "Extractor",
    "NDBResult",
    "Statistics",
    "StatisticsAccumulator",
    "cache",
    "empirical_w1",
    "extractor",
    "extractors",
    "features",
    "features_of_generator",
    "fid",
    "frechet_distance",
    "frechet_distance_of",
    "inception_score",
    "inception_untrained_for_tests",
    "iter_features",
    "kid",
    "ndb",
    "precision_recall",
    "statistics",
    "to_model_range",
]
