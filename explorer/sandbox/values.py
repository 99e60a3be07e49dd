"""The values a program can hold besides plain data and engine objects: the interpreter's wrappers.

A program never holds a real Python function, class, frame or module. It holds these stand-ins: modules
(`Namespace`), callables (`SandboxCallable` and its kinds), its own classes (`UserClass`, whose instances are
real objects of a class the sandbox builds, marked by `SandboxObject`), bound methods, `super()` proxies and
generators. Each stand-in answers only what the interpreter's attribute rules allow (interpreter.py,
classes.py); none keeps a frame, a code object or a globals dict a program could walk to.

Python itself names a value's type in its error messages ("object of type 'function' has no len()"), so every
stand-in's class carries the name Python would show, never ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from explorer.sandbox.interpreter import Interpreter


class Refusal(Exception):
    """Something the program tried that the sandbox does not allow or that fails as Python would fail.

    `kind` is the Python exception name users would expect ("NameError"), or "NotAllowed".
    """

    def __init__(self, key: str, kind: str = "NotAllowed", **params):
        super().__init__(key)
        self.key = key
        self.kind = kind
        self.params = params


class _ControlFlow(Exception):
    pass


class _Break(_ControlFlow):
    pass


class _Continue(_ControlFlow):
    pass


class _Return(_ControlFlow):
    def __init__(self, value):
        super().__init__()
        self.value = value


class Scope:
    """One namespace: the module's, a call's, a class body's or a comprehension's. `declared` holds a
    function's `global`/`nonlocal` names."""

    __slots__ = ("declared", "kind", "parent", "vars")

    def __init__(self, parent: Scope | None = None, kind: str = "block", declared: dict | None = None):
        self.vars: dict = {}
        self.parent = parent
        self.kind = kind  # "module" | "function" | "class" | "comprehension" | "block"
        self.declared = declared


class SandboxCallable:
    """Everything a program can call. Also callable from Python, so the engine can call it back."""

    interp: Interpreter

    def __call__(self, *args, **kwargs):
        return self.interp.call_from_python(self, args, kwargs)


class BuiltinFunction(SandboxCallable):
    def __init__(self, interp, name: str, impl, pytype: type | None = None):
        self.interp = interp
        self.name = name
        self.impl = impl
        self.pytype = pytype  # for isinstance(x, float) and dtype=float

    def __repr__(self) -> str:
        if self.pytype is not None:
            return f"<class '{self.name}'>"
        return f"<built-in function {self.name}>"


class EngineFunction(SandboxCallable):
    """A function or method of the engine or numpy (or a method of a str/list/dict), wrapped."""

    def __init__(self, interp, fn, name: str, kind: str, owner=None, sizing: str | None = None):
        self.interp = interp
        self.fn = fn
        self.name = name
        self.kind = kind  # "engine" | "numpy" | "math" | "python" | "native"
        self.owner = owner
        self.sizing = sizing or name  # the allocation rule to apply

    def __repr__(self) -> str:
        if self.owner is not None:
            return f"<built-in method {self.name} of {self.interp.kind_name(self.owner)} object>"
        return f"<function {self.name}>"


class ClassRef(SandboxCallable):
    """A class offered by a module or as a builtin (exceptions): usable in isinstance/type comparisons and as a
    base class where allowed; callable if constructible."""

    def __init__(self, interp, cls: type, name: str, display: str, constructible: bool, kind: str):
        self.interp = interp
        self.cls = cls
        self.name = name
        self.display = display
        self.constructible = constructible
        self.kind = kind  # "engine" | "numpy" | "exception"

    def __repr__(self) -> str:
        return f"<class '{self.display}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, (ClassRef, TypeDisplay)):
            return self.cls is other.cls
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.cls)


class TypeDisplay:
    """What `type(x)` gives for a class the program cannot otherwise name: prints like the class, compares with
    classes, tells its `__name__`, and nothing more."""

    def __init__(self, cls: type, display: str):
        self.cls = cls
        self.display = display

    @property
    def name(self) -> str:
        return self.display.rpartition(".")[2]

    def __repr__(self) -> str:
        return f"<class '{self.display}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, (ClassRef, TypeDisplay)):
            return self.cls is other.cls
        if isinstance(other, BuiltinFunction) and other.pytype is not None:
            return self.cls is other.pytype
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.cls)


class ClassCell:
    """Python's `__class__` cell: the class a method was defined in, for `super()` without arguments."""

    __slots__ = ("cls",)

    def __init__(self):
        self.cls: UserClass | None = None


class UserFunction(SandboxCallable):
    def __init__(self, interp, name: str, node, scope: Scope, defaults: dict, qualname: str | None = None,
                 cell: ClassCell | None = None, declared: dict | None = None, is_generator: bool = False,
                 doc: str | None = None):
        self.interp = interp
        self.name = name
        self.qualname = qualname or name
        self.node = node
        self.scope = scope
        self.defaults = defaults
        self.cell = cell
        self.declared = declared
        self.is_generator = is_generator
        self.doc = doc
        args = node.args
        self.posonly = [a.arg for a in args.posonlyargs]
        self.positional = self.posonly + [a.arg for a in args.args]
        self.keyword_only = [a.arg for a in args.kwonlyargs]
        self.vararg = args.vararg.arg if args.vararg is not None else None
        self.kwarg = args.kwarg.arg if args.kwarg is not None else None

    def __repr__(self) -> str:
        return f"<function {self.qualname} at 0x{id(self):012x}>"


class Namespace:
    """A module as the program sees it: only the allowed names, read-only."""

    def __init__(self, path: str, display: str, entries: dict, real_names: set):
        self.path = path
        self.display = display
        self.entries = entries
        self.real_names = real_names  # names the real module has: "not available" vs "no attribute"

    def __repr__(self) -> str:
        return f"<module '{self.display}'>"


# ----------------------------------------------------------------------------------------------------------
# the program's own classes


class SandboxObject:
    """The marker base of every class a program defines: its instances are the program's own objects."""

    __slots__ = ()


class UserClass(SandboxCallable):
    """A class the program defined. `real` is the Python class the sandbox built for it (instances are real
    objects, so Python's operators, isinstance and the engine's nn.Module machinery work on them); `attrs` is
    the class body's namespace as the program wrote it, which is where the interpreter looks methods up."""

    def __init__(self, interp, name: str, qualname: str, attrs: dict, real: type, kind: str, doc: str | None):
        self.interp = interp
        self.name = name
        self.qualname = qualname
        self.attrs = attrs
        self.real = real
        self.kind = kind  # "plain" | "exception" | "module" | "function" | "optimizer"
        self.doc = doc

    def __repr__(self) -> str:
        return f"<class '__main__.{self.qualname}'>"


class BoundMethod(SandboxCallable):
    def __init__(self, interp, func, owner):
        self.interp = interp
        self.func = func
        self.owner = owner  # the instance (or the class, for a classmethod)

    def __repr__(self) -> str:
        name = getattr(self.func, "qualname", getattr(self.func, "name", "?"))
        return f"<bound method {name} of {self.interp.repr_of(self.owner)}>"


class StaticMethod(SandboxCallable):
    def __init__(self, interp, func):
        self.interp = interp
        self.func = func

    def __repr__(self) -> str:
        return f"<staticmethod({self.func!r})>"


class ClassMethod:
    def __init__(self, interp, func):
        self.interp = interp
        self.func = func

    def __repr__(self) -> str:
        return f"<classmethod({self.func!r})>"


class Property:
    def __init__(self, interp, fget, fset=None, doc: str | None = None):
        self.interp = interp
        self.fget = fget
        self.fset = fset
        self.doc = doc

    def __repr__(self) -> str:
        return f"<property object at 0x{id(self):012x}>"


class SuperProxy:
    """`super()`: attribute lookups start after `cls` in the MRO of `obj`'s class."""

    def __init__(self, cls: UserClass, obj):
        self.cls = cls
        self.obj = obj

    def __repr__(self) -> str:
        return f"<super: <class '{self.cls.name}'>, <{self.cls.name} object>>"


class GradModeFunction(SandboxCallable):
    """A function decorated with `@torch.no_grad()` (or enable_grad, inference_mode, set_grad_enabled): each
    call runs under a fresh copy of the manager, as PyTorch's decorator does."""

    def __init__(self, interp, manager, func):
        self.interp = interp
        self.manager = manager
        self.func = func

    @property
    def name(self) -> str:
        return getattr(self.func, "name", "?")

    @property
    def qualname(self) -> str:
        return getattr(self.func, "qualname", self.name)

    def __repr__(self) -> str:
        return repr(self.func)


class SandboxGenerator:
    """A generator of the program's (a function with `yield`, or a generator expression). The body runs on a
    Python generator of the interpreter's own (generators.py), resumed with the program's scope swapped in;
    the program sees `send` and `close`, never a frame."""

    __slots__ = ("__weakref__", "closing", "finished", "func", "gen", "interp", "qualname", "running", "started",
                 "state")

    def __init__(self, interp, qualname: str, gen, state, func=None):
        self.interp = interp
        self.qualname = qualname
        self.gen = gen
        self.state = state  # the scope, line and loop depth it runs with (swapped in on every resume)
        self.func = func
        self.running = False
        self.started = False
        self.finished = False
        self.closing = False

    def __iter__(self):
        return self

    def __next__(self):
        return self.interp.resume(self, None)

    def __repr__(self) -> str:
        return f"<generator object {self.qualname} at 0x{id(self):012x}>"


# Python names a value's type in its own messages: make those the names Python would show
for _cls, _name in ((UserFunction, "function"), (BuiltinFunction, "builtin_function_or_method"),
                    (EngineFunction, "builtin_function_or_method"), (ClassRef, "type"), (TypeDisplay, "type"),
                    (Namespace, "module"), (UserClass, "type"), (BoundMethod, "method"),
                    (StaticMethod, "staticmethod"), (ClassMethod, "classmethod"), (Property, "property"),
                    (SuperProxy, "super"), (GradModeFunction, "function"), (SandboxGenerator, "generator")):
    _cls.__name__ = _name
del _cls, _name
