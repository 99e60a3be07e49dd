"""The program's own classes: `class` statements, their instances, methods, properties, `super()`, decorators.

A `class` statement makes two things. The program holds a `UserClass` (values.py): the class body's namespace
as written, where the interpreter looks attributes up. Behind it the sandbox builds a real Python class, so
that the program's objects are real objects: Python's operators, `len()`, `str()`, iteration, hashing and
`isinstance` work on them natively, and a subclass of `nn.Module` or `autograd.Function` is a real subclass
the engine can drive (`model(x)` runs `Module.__call__`, `MyFn.apply` runs the engine's Function machinery).

That real class holds nothing of the program's but trampolines: for each method the program defined, a
function that hands the call back to the interpreter, which runs the program's method under its budgets. The
program never holds the real class, a trampoline or a frame: attribute reads on its objects follow the rules
below, never Python's `getattr` with a name the program chose, except for names an engine base offers.

- Special methods a class may define are listed in program_check.USER_DUNDERS; `__getattr__`,
  `__setattr__`, `__getattribute__`, `__new__`, `__init_subclass__`, descriptors and metaclasses are refused
  before the program runs.
- Bases: the program's classes, `object`, Python's exceptions, and the engine bases lessons derive from
  (nn.Module and its layers, autograd.Function, optim.Optimizer, utils.data.Dataset). Never Tensor, int,
  list, type, ...
- On an object with an engine base, names starting with one underscore belong to the program only if the
  engine does not use them (`self._cache` works, `self._parameters` is refused): they are kept beside the
  object, never on it.
"""

from __future__ import annotations

import ast
import contextlib
import inspect

from explorer.sandbox import allow_lists
from explorer.sandbox.limits import LimitExceeded
from explorer.sandbox.program_check import USER_DUNDERS, is_dunder
from explorer.sandbox.values import (
    BoundMethod,
    BuiltinFunction,
    ClassCell,
    ClassMethod,
    ClassRef,
    EngineFunction,
    GradModeFunction,
    Property,
    Refusal,
    SandboxObject,
    Scope,
    StaticMethod,
    SuperProxy,
    UserClass,
    UserFunction,
)

ENGINE_KINDS = frozenset({"module", "function", "optimizer"})
# what an engine base offers on the program's own objects (beyond what the program defines)
BASE_NAMES = {
    "module": allow_lists.MODULE_NAMES,
    "optimizer": allow_lists.OPTIMIZER_NAMES,
    "function": frozenset(),
    "exception": allow_lists.EXCEPTION_ATTRIBUTES,
    "dataset": allow_lists.DATA_OBJECT_NAMES,
    "plain": frozenset(),
}
CLASS_NAMES = {"function": allow_lists.FUNCTION_CLASS_NAMES}
_MISSING = object()


class _Owner:
    """The UserClass a trampoline belongs to, known once the real class exists."""

    __slots__ = ("cls",)

    def __init__(self):
        self.cls: UserClass | None = None


class ClassSupport:
    """The interpreter's part for classes (a mixin of interpreter.Interpreter)."""

    # ------------------------------------------------------------------------------------------------------
    # the class statement

    def _exec_classdef(self, node: ast.ClassDef) -> None:
        decorators = [self.eval(d) for d in node.decorator_list]
        bases = [self.eval(b) for b in node.bases]
        qualname = self._qualname_for(node.name)
        cell = ClassCell()
        outer = self.scope
        self.scope = Scope(parent=outer, kind="class")
        self.class_cells.append((cell, qualname))
        try:
            self.exec_block(node.body)
            namespace = self.scope.vars
        finally:
            self.scope = outer
            self.class_cells.pop()
        cls = self.make_class(node, bases, namespace, qualname)
        cell.cls = cls
        value = cls
        for decorator in reversed(decorators):
            value = self.apply_decorator(decorator, value)
        self.bind(node.name, value)

    def _qualname_for(self, name: str) -> str:
        if self.scope.kind == "class" and self.class_cells:
            return f"{self.class_cells[-1][1]}.{name}"
        current = self.frames[-1][0] if self.frames else None
        if current is not None:
            return f"{current.qualname}.<locals>.{name}"
        return name

    def make_class(self, node: ast.ClassDef, bases: list, namespace: dict, qualname: str) -> UserClass:
        self.budget.tick()
        self.budget.add_class()
        kind, real_bases = self._class_bases(bases)
        engine_base = _first_base(real_bases, self.user_classes)
        attrs = dict(namespace)
        if kind in ENGINE_KINDS:
            for name in attrs:
                if name.startswith("_") and not is_dunder(name) and hasattr(engine_base, name):
                    raise Refusal("sandbox.private_name", name=name)
        owner = _Owner()
        doc = attrs.get("__doc__") if isinstance(attrs.get("__doc__"), str) else _docstring_of(node)
        real_namespace = {"__module__": "__main__", "__qualname__": qualname, "__doc__": doc}
        for name, value in attrs.items():
            if name in USER_DUNDERS or not name.startswith("_"):
                trampoline = self._trampoline(owner, name, value)
                if trampoline is not None:
                    real_namespace[name] = trampoline
        if kind == "function":
            # the engine shows a custom Function's code (its graph export's `source`, the step-through)
            real_namespace["__source__"] = ast.get_source_segment(self.source, node, padded=True)
        if not any(issubclass(base, SandboxObject) for base in real_bases):
            real_bases.append(SandboxObject)
        meta = type
        for base in real_bases:
            if issubclass(type(base), meta):
                meta = type(base)
        try:
            real = meta(node.name, tuple(real_bases), real_namespace)
        except TypeError as exc:  # an inconsistent MRO, a layout conflict: Python's words, on one line
            raise TypeError(" ".join(str(exc).split())) from None
        self.budget.tick(len(real.__mro__))
        cls = UserClass(self, node.name, qualname, attrs, real, kind, doc)
        self.user_classes[real] = cls
        cls.mro = [self.user_classes[c] for c in real.__mro__ if c in self.user_classes]
        cls.engine_base = engine_base
        owner.cls = cls
        if kind == "function":
            self.hooked = True  # its backward is the program's code, run inside backward passes
        return cls

    def _class_bases(self, bases: list) -> tuple[str, list]:
        """(the class's kind, the real classes to derive from), or a refusal for a base it may not have."""
        kinds = set()
        real = []
        for base in bases:
            if isinstance(base, UserClass):
                kinds.add(base.kind)
                real.append(base.real)
            elif isinstance(base, BuiltinFunction) and base.pytype is object:
                continue  # every class derives from object (here through SandboxObject)
            elif isinstance(base, ClassRef) and base.kind == "exception":
                kinds.add("exception")
                real.append(base.cls)
            elif isinstance(base, ClassRef) and base.kind == "engine" and self._engine_base_kind(base.cls):
                kinds.add(self._engine_base_kind(base.cls))
                real.append(base.cls)
            elif isinstance(base, (ClassRef, BuiltinFunction)) and (isinstance(base, ClassRef) or base.pytype):
                name = base.display if isinstance(base, ClassRef) else base.name
                raise Refusal("sandbox.unsupported_syntax", what=f"subclassing {name}")
            else:
                raise TypeError(f"a class cannot have a '{self.kind_name(base)}' object as its base")
        kinds.discard("plain")
        if len(kinds) > 1:
            raise Refusal("sandbox.unsupported_syntax", what=f"a class with {' and '.join(sorted(kinds))} bases")
        return (kinds.pop() if kinds else "plain"), real

    def _engine_base_kind(self, cls: type) -> str | None:
        engine = self.engine
        if issubclass(cls, engine.nn.Module):
            return "module"
        if issubclass(cls, engine.autograd.Function):
            return "function"
        optimizer = getattr(engine.optim, "Optimizer", None)
        if optimizer is not None and issubclass(cls, optimizer):
            return "optimizer"
        data = getattr(getattr(engine, "utils", None), "data", None)
        if data is not None and issubclass(cls, data.Dataset):
            return "dataset"  # a plain class to the sandbox: the engine only calls its __len__ and __getitem__
        return None

    def _trampoline(self, owner: _Owner, name: str, value):
        """What the real class holds for one of the program's methods: a function that hands Python's (or the
        engine's) call to the interpreter. Plain values stay in the program's namespace only."""
        interp = self
        if isinstance(value, StaticMethod):
            def static(*args, **kwargs):
                return interp.dispatch(owner.cls, name, None, args, kwargs)

            _sign(static, value.func, name)
            return staticmethod(static)
        if isinstance(value, ClassMethod):
            def on_class(cls, *args, **kwargs):
                return interp.dispatch(owner.cls, name, interp.user_classes.get(cls, owner.cls), args, kwargs)

            _sign(on_class, value.func, name)
            return classmethod(on_class)
        if isinstance(value, (UserFunction, GradModeFunction)):
            def method(self, *args, **kwargs):
                return interp.dispatch(owner.cls, name, self, args, kwargs)

            _sign(method, value, name)
            return method
        return None

    def dispatch(self, owner: UserClass, name: str, target, args: tuple, kwargs: dict):
        """A trampoline's call: the program's method `name` as `owner` defines it now, bound to `target`."""
        if owner is None:
            raise RuntimeError("class not ready")
        value = owner.attrs.get(name, _MISSING)
        if value is _MISSING:  # redefined away: as Python would, look further along the instance's classes
            start = target if isinstance(target, UserClass) else self.class_of(target) if target is not None \
                else owner
            found = self.class_lookup(start, name)
            if found is None:
                raise AttributeError(f"'{owner.name}' object has no attribute '{name}'")
            value = found[0]
        if isinstance(value, ClassMethod):
            func = BoundMethod(self, value.func, target if isinstance(target, UserClass) else owner)
        elif isinstance(value, StaticMethod):
            func = value.func
        elif target is None or isinstance(target, UserClass):
            func = value
        else:
            func = self.bind_found(value, target, owner)
        return self.call_from_python(func, args, kwargs)

    # ------------------------------------------------------------------------------------------------------
    # looking attributes up

    def class_of(self, obj) -> UserClass:
        cls = self.user_classes.get(type(obj))
        if cls is None:  # never: every SandboxObject class is made (and registered) by make_class
            raise Refusal("sandbox.attribute_refused", owner="object", attr="?")
        return cls

    def class_lookup(self, cls: UserClass, name: str):
        """(value, defining class) of `name` along the program's classes in `cls`'s MRO, or None."""
        for klass in cls.mro:
            if name in klass.attrs:
                return klass.attrs[name], klass
        return None

    def bind_found(self, value, instance, cls: UserClass):
        """A class attribute as `instance.name` (or `cls.name` when instance is None) gives it."""
        if isinstance(value, StaticMethod):
            return value.func
        if isinstance(value, ClassMethod):
            return BoundMethod(self, value.func, self.class_of(instance) if instance is not None else cls)
        if isinstance(value, Property):
            if instance is None:
                return value
            return self.property_get(value, instance)
        if instance is not None and isinstance(value, (UserFunction, GradModeFunction)):
            return BoundMethod(self, value, instance)
        return value

    def property_get(self, prop: Property, instance):
        if prop.fget is None:
            raise AttributeError(f"property of '{self.kind_name(instance)}' object has no getter")
        return self.invoke(prop.fget, (instance,), {})

    def instance_attribute(self, obj, name: str):
        cls = self.class_of(obj)
        if is_dunder(name):
            return self._instance_dunder(obj, cls, name)
        found = self.class_lookup(cls, name)
        if found is not None and isinstance(found[0], Property):
            return self.property_get(found[0], obj)
        if cls.kind in ENGINE_KINDS:
            if name.startswith("_"):
                store = self.private_attrs.get(obj)
                if store is not None and name in store:
                    return store[name]
                if hasattr(obj, name):
                    raise Refusal("sandbox.private_name", name=name)
            else:
                own = vars(obj)
                if name in own:
                    return own[name]
        else:
            own = vars(obj)
            if name in own:
                return own[name]
        if found is not None:
            return self.bind_found(found[0], obj, cls)
        if not name.startswith("_"):
            if cls.kind == "module":
                try:
                    return self.module_type.__getattr__(obj, name)  # a parameter, buffer or child module
                except AttributeError:
                    pass
            allowed = BASE_NAMES.get(cls.kind, frozenset())
            if name in allowed:
                return self._allowed(obj, name, allowed, allowed, "engine" if cls.kind in ENGINE_KINDS else "python")
        raise AttributeError(f"'{cls.name}' object has no attribute '{name}'")

    def _instance_dunder(self, obj, cls: UserClass, name: str):
        if name == "__class__":
            return cls
        if name == "__doc__":
            return cls.doc
        if name == "__module__":
            return "__main__"
        if name in USER_DUNDERS:
            found = self.class_lookup(cls, name)
            if found is not None:
                return self.bind_found(found[0], obj, cls)
            base = getattr(super(cls.mro[-1].real, obj), name, None)
            if base is not None and name in _NATIVE_DUNDERS:
                return EngineFunction(self, base, name, "native")
            raise AttributeError(f"'{cls.name}' object has no attribute '{name}'")
        if name in ("__name__", "__qualname__"):
            raise AttributeError(f"'{cls.name}' object has no attribute '{name}'")
        raise Refusal("sandbox.private_name", name=name)

    def set_instance_attribute(self, obj, name: str, value) -> None:
        cls = self.class_of(obj)
        if is_dunder(name):
            raise Refusal("sandbox.private_name", name=name)
        found = self.class_lookup(cls, name)
        if found is not None and isinstance(found[0], Property):
            prop = found[0]
            if prop.fset is None:
                raise AttributeError(f"property '{name}' of '{cls.name}' object has no setter")
            self.invoke(prop.fset, (obj, value), {})
            return
        self.budget.tick()
        if cls.kind in ENGINE_KINDS:
            if name.startswith("_"):
                store = self.private_attrs.get(obj)
                if (store is None or name not in store) and hasattr(obj, name):
                    raise Refusal("sandbox.private_name", name=name)
                self.private_attrs.setdefault(obj, {})[name] = value
                return
            type(obj).__setattr__(obj, name, value)  # nn.Module registers parameters and layers here
            return
        object.__setattr__(obj, name, value)

    def delete_instance_attribute(self, obj, name: str) -> None:
        """`del obj.name` on the program's own objects: what the instance holds (a class's attribute, a property or
        a layer of a module is not deleted), with Python's words when there is nothing to delete."""
        cls = self.class_of(obj)
        if is_dunder(name):
            raise Refusal("sandbox.private_name", name=name)
        found = self.class_lookup(cls, name)
        if found is not None and isinstance(found[0], Property):
            raise AttributeError(f"property '{name}' of '{cls.name}' object has no deleter")
        if cls.kind in ENGINE_KINDS:
            raise Refusal("sandbox.unsupported_syntax", what=f"'del' on the attributes of {cls.name} objects")
        own = vars(obj)
        if name not in own:
            raise AttributeError(f"'{cls.name}' object has no attribute '{name}'")
        self.budget.tick()
        del own[name]

    def class_attribute(self, cls: UserClass, name: str):
        if is_dunder(name):
            if name == "__name__":
                return cls.name
            if name == "__qualname__":
                return cls.qualname
            if name == "__module__":
                return "__main__"
            if name == "__doc__":
                return cls.doc
            if name == "__class__":
                return self.type_of(cls)
            if name in USER_DUNDERS:
                found = self.class_lookup(cls, name)
                if found is not None:
                    return self.bind_found(found[0], None, cls)
                if name == "__init__":
                    base = cls.engine_base if cls.engine_base is not None else object
                    return self.unbound_initializer(base)
                raise AttributeError(f"type object '{cls.name}' has no attribute '{name}'")
            raise Refusal("sandbox.private_name", name=name)
        found = self.class_lookup(cls, name)
        if found is not None:
            return self.bind_found(found[0], None, cls)
        allowed = CLASS_NAMES.get(cls.kind, frozenset())
        if name in allowed:
            return EngineFunction(self, getattr(cls.real, name), name, "engine")
        raise AttributeError(f"type object '{cls.name}' has no attribute '{name}'")

    def set_class_attribute(self, cls: UserClass, name: str, value) -> None:
        if is_dunder(name):
            raise Refusal("sandbox.private_name", name=name)
        if cls.kind in ENGINE_KINDS and name.startswith("_") and hasattr(cls.engine_base, name):
            raise Refusal("sandbox.private_name", name=name)
        self.budget.tick()
        cls.attrs[name] = value
        if not name.startswith("_") and name not in vars(cls.real):
            owner = _Owner()
            owner.cls = cls
            trampoline = self._trampoline(owner, name, value)
            if trampoline is not None:
                type.__setattr__(cls.real, name, trampoline)

    def unbound_initializer(self, base: type):
        """`nn.Module.__init__(self)`, `Exception.__init__(self, message)`: the base's initializer, for the
        program's own objects only."""
        def initialize(instance, *args, **kwargs):
            if not isinstance(instance, base):
                raise TypeError(f"descriptor '__init__' requires a '{base.__name__}' object but received a "
                                f"'{self.kind_name(instance)}'")
            return base.__init__(instance, *args, **kwargs)

        return EngineFunction(self, initialize, "__init__", "native")

    def property_attribute(self, prop: Property, name: str):
        if name == "setter":
            return EngineFunction(self, lambda fset: Property(self, prop.fget, fset, prop.doc), "setter", "native")
        if name == "getter":
            return EngineFunction(self, lambda fget: Property(self, fget, prop.fset, prop.doc), "getter", "native")
        if name in ("fget", "fset"):
            return getattr(prop, name)
        raise Refusal("sandbox.attribute_missing", kind="AttributeError", owner="'property' object", attr=name)

    # ------------------------------------------------------------------------------------------------------
    # calls

    def instantiate(self, cls: UserClass, args: tuple, kwargs: dict):
        """`Cls(...)`: Python makes the object and calls its `__init__` (the program's, through its trampoline,
        or the base's: nn.Module's, an exception's, object's with Python's own messages)."""
        self.budget.tick()
        if self.depth >= self.limits.call_depth:
            raise LimitExceeded("limit.call_depth", limit=self.limits.call_depth)
        return cls.real(*args, **kwargs)

    def call_instance(self, obj, args: tuple, kwargs: dict):
        cls = self.class_of(obj)
        found = self.class_lookup(cls, "__call__")
        if found is not None:
            return self.invoke(self.bind_found(found[0], obj, cls), args, kwargs)
        if isinstance(obj, self.module_type):
            return self.call_engine(obj, "module_call", args, kwargs, None, "engine")
        raise Refusal("sandbox.not_callable", kind="TypeError", what=cls.name)

    def apply_decorator(self, decorator, value):
        if isinstance(decorator, BuiltinFunction) and decorator.name in ("staticmethod", "classmethod", "property"):
            return decorator.impl(value)
        if self.is_context_manager(decorator) and not isinstance(decorator, SandboxObject):
            # `@torch.no_grad()`: the engine's own decorator undoes what set_grad_enabled's constructor did;
            # each call then runs under a fresh copy of the manager
            type(decorator).__call__(decorator, _nothing)
            return GradModeFunction(self, decorator, value)
        if isinstance(decorator, ClassRef) and decorator.name in allow_lists.CONTEXT_MANAGER_CLASSES and \
                decorator.name != "set_grad_enabled":
            return GradModeFunction(self, decorator.cls(), value)  # `@torch.no_grad` without parentheses
        return self.invoke(decorator, (value,), {})

    # ------------------------------------------------------------------------------------------------------
    # super()

    def make_super(self, *args):
        if not args:
            frame = self.frames[-1] if self.frames else (None, None)
            func, scope = frame
            if func is None:
                raise RuntimeError("super(): no arguments")
            if func.cell is None or func.cell.cls is None:
                raise RuntimeError("super(): __class__ cell not found")
            first = func.positional[0] if func.positional else func.vararg
            if first is None:
                raise RuntimeError("super(): no arguments")
            if first not in scope.vars:
                raise RuntimeError("super(): arg[0] deleted")
            obj = scope.vars[first]
            if first == func.vararg:
                if not obj:
                    raise RuntimeError("super(): no arguments")
                obj = obj[0]
            cls = func.cell.cls
        elif len(args) == 2:
            cls, obj = args
        elif len(args) == 1:
            raise Refusal("sandbox.unsupported_syntax", what="super() with one argument")
        else:
            raise TypeError(f"super() takes at most 2 arguments ({len(args)} given)")
        if not isinstance(cls, UserClass):
            if isinstance(cls, (ClassRef, BuiltinFunction)):
                raise Refusal("sandbox.unsupported_syntax", what=f"super() of {cls!r}")
            raise TypeError(f"super() argument 1 must be a type, not {self.kind_name(cls)}")
        if isinstance(obj, UserClass):
            if not issubclass(obj.real, cls.real):
                raise TypeError("super(type, obj): obj must be an instance or subtype of type")
        elif not isinstance(obj, cls.real):
            raise TypeError("super(type, obj): obj must be an instance or subtype of type")
        self.budget.tick()
        return SuperProxy(cls, obj)

    def super_attribute(self, proxy: SuperProxy, name: str):
        obj = proxy.obj
        on_class = isinstance(obj, UserClass)
        mro = (obj.real if on_class else type(obj)).__mro__
        index = mro.index(proxy.cls.real)
        for position in range(index + 1, len(mro)):
            klass = mro[position]
            cls = self.user_classes.get(klass)
            if cls is not None:
                if name in cls.attrs:
                    value = cls.attrs[name]
                    if on_class:
                        return self.bind_found(value, None, obj)
                    return self.bind_found(value, obj, cls)
                continue
            if klass is SandboxObject:
                continue
            if on_class:
                break
            return self._base_through_super(proxy, mro[position - 1], name)
        raise AttributeError(f"'super' object has no attribute '{name}'")

    def _base_through_super(self, proxy: SuperProxy, after: type, name: str):
        """`super().__init__()` and friends reaching an engine or Python base: Python's own super() on the real
        classes, for the names that base offers."""
        if is_dunder(name):
            if name not in USER_DUNDERS:
                raise Refusal("sandbox.private_name", name=name)
        elif name.startswith("_"):
            raise Refusal("sandbox.private_name", name=name)
        elif name not in BASE_NAMES.get(proxy.cls.kind, frozenset()):
            raise AttributeError(f"'super' object has no attribute '{name}'")
        try:
            value = getattr(super(after, proxy.obj), name)
        except AttributeError:
            raise AttributeError(f"'super' object has no attribute '{name}'") from None
        if callable(value):
            return EngineFunction(self, value, name, "native")
        return value


# special methods Python's object (or an exception, or nn.Module) answers when the class does not define them
_NATIVE_DUNDERS = frozenset({"__init__", "__repr__", "__str__", "__eq__", "__ne__", "__hash__", "__lt__",
                             "__le__", "__gt__", "__ge__", "__call__"})


def _nothing():
    return None


def _first_base(real_bases: list, user_classes: dict):
    """The first class along the bases' MROs that is not the program's own: the engine's or Python's base."""
    for base in real_bases:
        for klass in base.__mro__:
            if klass not in user_classes and klass is not SandboxObject:
                return klass
    return object


def _docstring_of(node: ast.ClassDef) -> str | None:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
            isinstance(body[0].value.value, str):
        return body[0].value.value
    return None


def _sign(trampoline, func, name: str) -> None:
    """Give a trampoline the program's name and signature (the engine reads a custom Function's forward
    parameters to name its inputs)."""
    trampoline.__name__ = name
    trampoline.__qualname__ = getattr(func, "qualname", name)
    inner = func.func if isinstance(func, (GradModeFunction, BoundMethod)) else func
    if isinstance(inner, UserFunction):
        kind = inspect.Parameter
        params = [kind(p, kind.POSITIONAL_ONLY) for p in inner.posonly]
        params += [kind(p, kind.POSITIONAL_OR_KEYWORD) for p in inner.positional[len(inner.posonly):]]
        if inner.vararg:
            params.append(kind(inner.vararg, kind.VAR_POSITIONAL))
        params += [kind(p, kind.KEYWORD_ONLY) for p in inner.keyword_only]
        if inner.kwarg:
            params.append(kind(inner.kwarg, kind.VAR_KEYWORD))
        with contextlib.suppress(ValueError):  # (names the program may repeat: Python refuses those first)
            trampoline.__signature__ = inspect.Signature(params)
