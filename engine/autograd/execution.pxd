# Compile-time declarations for execution.py (read by Cython only; the .py runs unchanged as Python): the
# backward loop's helpers become C calls (cpdef), and its nodes are typed Node, whose fields it then reads
# as C struct fields (see nodes.pxd).
cimport cython
from engine.nodes cimport Node

cpdef bint _unbroadcast_inputs(Node node, shape)
cpdef _unpack_saved(Node node, create_graph)
@cython.locals(node=Node, nxt=Node, leaf=Node, pending=Node)
cpdef _run_plain(deps, buffers, heap, pending, retain_graph)
cpdef bint _one_edge(Node node)
@cython.locals(node=Node, nxt=Node)
cpdef _count_dependencies(root_nodes)
cpdef _priority(Node node)
cpdef _add_to_grad(var, data, owned)
cpdef _fit(gi, shape, Node nxt, recording)
cpdef _sum_into(buffers, owned, nxt, prev, gi, gi_fresh)
cpdef _run_plain_without_grad(deps, buffers, heap, pending, retain_graph)
