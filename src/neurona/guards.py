"""Gone: split into :mod:`neurona.seeding` and :mod:`neurona.startup` (issue 15).

Kept only until the phase-1 branches are merged: ``autoencoders.py`` and ``solar.py`` still
import ``quiet_retracing`` and ``seed`` from here. Then their imports change and this file
is deleted.
"""

from neurona.seeding import seed
from neurona.startup import quiet_retracing

__all__ = ["quiet_retracing", "seed"]
