"""Synthetic raw tables for the pipeline, with planted personas, affinities, an A/B test and dirt.

One module per entity or family: ``customers``, ``products``, ``orders`` (and their items),
``campaigns`` (sends, the mailing-list timeline, subscriptions), ``email_events`` (machine opens
included), ``sessions``; ``personas`` holds the planted personas, ``keyed`` the seeded random
values all of them draw, ``schemas`` the raw tables' columns, ``context`` what every chunk of
customers shares, ``truth`` the ground truth and ``dataset`` the entry point that writes it all.

Every random value of a customer (and of its orders, emails and sessions) is a hash of
(seed, stream name, key) rather than the next draw of a shared generator, so any chunking of the
customers yields the same rows and a million customers can be written chunk by chunk. The small
catalogues (products, campaigns) come from ``numpy.random.default_rng(seed)``.

The ground truth (personas, planted structure, counts of planted dirt) goes to ``truth_dir``.
"""

from customer_intelligence.generate.dataset import generate_dataset
from customer_intelligence.generate.email_events import MACHINE_OPEN_SHARE
from customer_intelligence.generate.schemas import ENTITIES

__all__ = ["ENTITIES", "MACHINE_OPEN_SHARE", "generate_dataset"]
