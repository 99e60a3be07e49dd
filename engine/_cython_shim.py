"""Stand-in for the `cython` module where Cython is not installed (it is a build requirement only).

The engine's compiled modules carry a few compile-time declarations in their source (`@cython.locals`: which
locals hold a tensor or a node, so the compiled code reads their fields directly). Run as Python they do
nothing, and this module lets them do nothing without Cython.
"""

from __future__ import annotations


class _Cython:
    compiled = False

    @staticmethod
    def locals(**_types):
        return lambda fn: fn


cython = _Cython()
