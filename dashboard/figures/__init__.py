"""Pure figure builders: (rows, *, lang, options) -> go.Figure, with no I/O. The theme is set once, in base."""

from dashboard.figures.base import *  # noqa: F401,F403
from dashboard.figures.commitments import *  # noqa: F401,F403
from dashboard.figures.compare import *  # noqa: F401,F403
from dashboard.figures.datasets import *  # noqa: F401,F403
from dashboard.figures.learning import *  # noqa: F401,F403
