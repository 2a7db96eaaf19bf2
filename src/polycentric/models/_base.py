"""The estimator convention every model follows (as scikit-learn's ``BaseEstimator``).

- ``__init__`` only stores its keyword arguments, unchanged, under their own names
  (no validation, no work: that happens in ``fit``);
- ``fit(...)`` returns ``self``;
- fitted attributes end in ``_`` and exist only after ``fit``;
- :meth:`Estimator.get_params` / :meth:`Estimator.set_params` read and set the
  constructor parameters, found from ``__init__``'s signature.

``tests/models/test_estimator_conventions.py`` checks every estimator against it.

Dependency rule: standard library only.
"""

from __future__ import annotations

import inspect
from typing import Any, Self

__all__ = ["Estimator"]


class Estimator:
    """Mixin giving an estimator ``get_params``, ``set_params`` and a parameter ``repr``."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        ]

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The constructor parameters and their current values (``deep`` is accepted for scikit-learn)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set constructor parameters by name; unknown names raise ``ValueError``. Returns ``self``."""
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}; valid: {', '.join(sorted(valid))}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values() if p.name != "self"
        }
        shown = [f"{k}={v!r}" for k, v in self.get_params().items() if defaults.get(k, inspect.Parameter.empty) != v]
        return f"{type(self).__name__}({', '.join(shown)})"
