"""attnviz for notebooks: attnviz's web components in Jupyter, VS Code and Colab, offline.

``from attnviz import head_view, model_view, neuron_view`` takes bertviz's arguments; ``show``
takes attnviz's own data format; ``save_html`` writes a standalone file. Each output carries the
elements' JavaScript, so nothing is loaded from the network.
"""
__version__ = "0.1.0"

from ._validate import AttentionDataError  # noqa: E402
from ._views import MAX_SIZE, View, head_view, model_view, neuron_view, save_html, show  # noqa: E402

__all__ = ["head_view", "model_view", "neuron_view", "show", "save_html", "View", "AttentionDataError",
           "MAX_SIZE", "__version__"]
