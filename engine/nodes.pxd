# Compile-time declarations for nodes.py (read by Cython only; the .py runs unchanged as Python). Node
# compiles to an extension type with these fields, so modules that declare a local as Node (execution.pxd,
# tensor.pxd) read and set them as C struct fields instead of through attribute lookups. Its __dict__ keeps
# the rare attributes (hooks, the output's weak reference) and the subclasses made per grad_fn name.
cdef class Node:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object _attrs
    cdef public object _inputs
    cdef public object _next
    cdef public object _op
    cdef public object _saved
    cdef public object _saved_versions
    cdef public object _seq
