# Compile-time declarations for tensor.py (read by Cython only; the .py runs unchanged as Python): functions
# called within the module become C calls (cpdef), _attach builds its node as a typed Node, and the base of
# Tensor holding the fields every tensor sets compiles to an extension type (see tensor.py's _TensorFields).
cimport cython
from engine.nodes cimport Node


cdef class _TensorFields:
    cdef object __weakref__
    cdef public object _data
    cdef public object _grad_fn
    cdef public object _requires_grad
    cdef public object _tid_no
    cdef public object _vbox


@cython.locals(node=Node, xt=_TensorFields, yt=_TensorFields)
cpdef _attach(spec, inputs, node_attrs, _TensorFields result, extras)
cpdef _elementwise_forward(spec, datas, attrs)
cpdef _elementwise_inputs(inputs)
cpdef _elementwise_dtype(datas)
