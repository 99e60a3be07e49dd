# Compile-time declarations for tensor.py (read by Cython only; the .py runs unchanged as Python): functions
# called within the module become C calls (cpdef), and _attach builds its node as a typed Node.
cimport cython
from engine.nodes cimport Node

@cython.locals(node=Node)
cpdef _attach(spec, inputs, node_attrs, result, extras)
cpdef _elementwise_forward(spec, datas, attrs)
cpdef _elementwise_inputs(inputs)
cpdef _elementwise_dtype(datas)
