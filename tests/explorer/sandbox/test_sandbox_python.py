"""The Python that lessons are written in, held against Python itself: each program below runs in CPython
(these are this file's own programs, run with exec like the corpus records' script does) and in the sandbox,
and both must print the same text and end in the same error. Classes and their special methods, inheritance and
super(), static and class methods, properties, decorators, generators (send, close, yield from, return values),
try/except/else/finally and raise, *args and **kwargs with Python's own messages for a wrong call, what
Python says of None (and of a number) called, indexed, unpacked or given an attribute, sets, global and
nonlocal, starred assignment targets (`a, *rest = ...`), `del obj.attr`, UnboundLocalError,
`if __name__ == "__main__":`, `from __future__ import annotations`, and the seeded random.

Object addresses (`at 0x7f...`) are masked on both sides."""

from __future__ import annotations

import contextlib
import io
import random
import re

import pytest

from explorer.sandbox import run_program
from explorer.sandbox.result import render_outputs

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")

PROGRAMS = {
    "classes_inheritance_super_repr": """
class Animal:
    kind = "animal"
    count = 0
    def __init__(self, name):
        self.name = name
        Animal.count += 1
    def speak(self):
        return f"{self.name} makes a sound"
    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"
class Dog(Animal):
    kind = "dog"
    def __init__(self, name, tricks=()):
        super().__init__(name)
        self.tricks = list(tricks)
    def speak(self):
        return super().speak() + " (woof)"
d = Dog("rex", ["sit"])
a = Animal("generic")
print(d, a, d.speak(), a.speak(), Animal.count, d.kind, a.kind, Dog.kind)
print(isinstance(d, Animal), isinstance(a, Dog), issubclass(Dog, Animal), type(d) is Dog, type(d).__name__)
print(d.__class__.__name__, Dog.__name__, Dog.__qualname__, Dog.speak, d.speak)
print([repr(x) for x in [d, a]], str(d), f"{d}")
""",
    "special_methods_operators_iteration": """
class V:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    __rmul__ = __mul__
    def __neg__(self):
        return V(-self.x, -self.y)
    def __eq__(self, o):
        return isinstance(o, V) and (self.x, self.y) == (o.x, o.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __iter__(self):
        yield self.x
        yield self.y
    def __bool__(self):
        return bool(self.x or self.y)
    def __repr__(self):
        return f"V({self.x}, {self.y})"
    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5
    def __contains__(self, v):
        return v in (self.x, self.y)
    def __call__(self, k):
        return self * k
a, b = V(1, 2), V(3, 4)
print(a + b, a - b, a * 2, 3 * a, -a, a == V(1, 2), a != b, a < b, sorted([b, a]))
print(len(a), a[0], a[-1], list(a), tuple(b), bool(V(0, 0)), abs(b), 2 in a, 5 in a, a(10))
print({a, V(1, 2), b}, {a: 1}[V(1, 2)], max([a, b]), min(a, b))
x, y = b
print(x, y, sum(V(1, 1)), [i for i in a], dict(zip(a, b)))
a += b
print(a)
if V(1, 0): print("truthy")
""",
    "static_class_methods_properties": """
class Counter:
    total = 0
    @staticmethod
    def describe(x):
        return f"value {x}"
    @classmethod
    def make(cls, n):
        c = cls()
        c.n = n
        return c
    @property
    def double(self):
        return self.n * 2
    @double.setter
    def double(self, v):
        self.n = v // 2
class Sub(Counter):
    pass
c = Sub.make(4)
print(type(c).__name__, c.n, c.double, Counter.describe(3), c.describe(5), Sub.make(1).n)
c.double = 10
print(c.n, c.double)
try:
    Counter.make(1).missing
except AttributeError as e:
    print("AttributeError:", e)
""",
    "generators_send_return_close": """
def gen(n):
    for i in range(n):
        x = yield i
        if x is not None:
            print("got", x)
    return "done"
g = gen(3)
print(next(g), g.send("hello"), next(g))
try:
    next(g)
except StopIteration as e:
    print("stop", e.value, e.args)
def outer():
    r = yield from gen(2)
    print("inner returned", r)
    yield "last"
print(list(outer()))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(10)])
squares = (i * i for i in range(5))
print(next(squares), list(squares), list(squares))
print(sum(i for i in range(100) if i % 3 == 0), any(x > 3 for x in [1, 5]), all(x > 0 for x in []))
def closing():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")
c = closing()
print(next(c))
c.close()
print("closed")
print(list(zip(gen(3), "abc")))
""",
    "try_except_else_finally_and_call_errors": """
def attempt(fn):
    try:
        r = fn()
    except ZeroDivisionError as e:
        print("zero:", e)
    except (KeyError, IndexError) as e:
        print("lookup:", type(e).__name__, e)
    except Exception as e:
        print("other:", type(e).__name__, e)
    else:
        print("ok", r)
    finally:
        print("finally")
attempt(lambda: 1 / 0)
attempt(lambda: {}["k"])
attempt(lambda: [][2])
attempt(lambda: int("x"))
attempt(lambda: 5)
attempt(lambda: undefined_name)
attempt(lambda: (1).foo)
attempt(lambda: len(1, 2))
def f(a, b=2, *args, c, d=4, **kw):
    return a, b, args, c, d, kw
print(f(1, c=3), f(1, 2, 3, 4, c=5, e=6))
for call in [lambda: f(), lambda: f(1), lambda: f(1, c=1, a=2), lambda: (lambda x: x)(1, 2), lambda: (lambda: 0)(1)]:
    try:
        call()
    except TypeError as e:
        print(e)
def g(a, b, /, c):
    return a + b + c
print(g(1, 2, c=3))
try:
    g(a=1, b=2, c=3)
except TypeError as e:
    print(e)
""",
    "user_exceptions_reraise_from": """
class MyError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code
class Special(MyError):
    pass
try:
    raise Special("bad thing", 42)
except MyError as e:
    print(type(e).__name__, e, e.code, e.args, isinstance(e, Exception), repr(e))
def check(x):
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x
try:
    check(-1)
except ValueError as e:
    print("caught", e)
def reraiser():
    try:
        check(-2)
    except ValueError:
        print("logging")
        raise
try:
    reraiser()
except ValueError as e:
    print("re-raised", e)
try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise RuntimeError("wrapped") from e
except RuntimeError as e:
    print(e)
def early():
    for i in range(3):
        try:
            if i == 1:
                return i
        finally:
            print("finally", i)
print(early())
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("after", i)
raise Special("final", 1)
""",
    "global_nonlocal_sets_main": """
counter = 0
def bump():
    global counter
    counter += 1
    return counter
bump(); bump()
print(counter)
def make():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc
inc = make()
print(inc(), inc(), inc())
s = {3, 1, 2}
s.add(4); s.discard(1); s |= {9}
print(sorted(s), {1, 2} & {2, 3}, {1, 2} | {3}, {1, 2} - {2}, {1, 2} ^ {2, 3}, {x % 3 for x in range(10)})
print(len(s), 3 in s, set("hello") == set("olleh"), sorted(frozenset([1, 2, 2])), set(), {1, 2}.issubset({1, 2, 3}))
t = set([1, 2]); t.update([3, 4], (5,)); print(sorted(t), sorted(t.union(range(7, 9))), t.pop() in {1,2,3,4,5})
if __name__ == "__main__":
    print("main", __name__)
print(id(s) == id(s), id(s) != id(t), type(s).__name__, type({}).__name__, type(1) is int, isinstance(1, (str, int)))
""",
    "random_and_math_seeded": """
import random
random.seed(42)
print(random.random(), random.randint(1, 10), random.choice("abc"), random.uniform(0, 1))
xs = list(range(10)); random.shuffle(xs); print(xs)
print(random.sample(range(100), 5), random.choices([1, 2, 3], k=4), round(random.gauss(0, 1), 6))
import math
print(math.sqrt(2), math.pi, math.floor(2.5), math.isclose(0.1 + 0.2, 0.3), math.exp(1) == math.e, math.gcd(12, 18))
""",
    "future_decorators_builtins": """
from __future__ import annotations
def typed(x: int, y: "str" = "a") -> list[int]:
    z: float = 1.5
    return [x, y, z]
print(typed(1))
def deco(fn):
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__)
        return fn(*args, **kwargs)
    return wrapper
@deco
def add(a, b):
    return a + b
print(add(1, 2), add.__name__)
def repeat(n):
    def decorate(fn):
        def run(*a):
            return [fn(*a) for _ in range(n)]
        return run
    return decorate
@repeat(3)
def one():
    return 1
print(one())
class Registry:
    items = []
    @classmethod
    def register(cls, fn):
        cls.items.append(fn.__name__)
        return fn
@Registry.register
def alpha(): pass
print(Registry.items)
print(getattr(Registry, "items"), hasattr(Registry, "nope"), getattr(Registry, "nope", 7), callable(alpha), callable(3))
class P:
    def __init__(self): self.v = 1
p = P(); setattr(p, "w", 2); print(p.v, p.w, getattr(p, "w"))
print(list(map(lambda v: v * 2, [1, 2])), list(filter(None, [0, 1, 2])), divmod(7, 2))
print(pow(2, 10), pow(2, 10, 7), hash(1) == hash(1.0))
it = iter([1, 2]); print(next(it), next(it), next(it, "end"))
""",
    "diamond_super_explicit_base_init": """
class A:
    def hello(self):
        return "A"
class B(A):
    def hello(self):
        return "B>" + super().hello()
class C(A):
    def hello(self):
        return "C>" + super().hello()
class D(B, C):
    def hello(self):
        return "D>" + super(D, self).hello()
print(D().hello(), [k.__name__ for k in (D, B, C, A)])
class Base:
    def __init__(self):
        self.log = ["base"]
class Child(Base):
    def __init__(self):
        Base.__init__(self)
        self.log.append("child")
print(Child().log)
class Shadow:
    x = 1
s = Shadow(); s.x = 5
print(Shadow.x, s.x)
class Shared:
    items = []
    def add(self, v):
        self.items.append(v)
Shared().add(1); Shared().add(2); print(Shared.items)
class NoHash:
    def __eq__(self, o):
        return True
try:
    {NoHash()}
except TypeError as e:
    print("TypeError:", e)
""",
    "iterator_protocols_context_managers": """
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n
print(list(Countdown(3)), [x for x in Countdown(2)], sum(Countdown(4)))
class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError(i)
        return i * 10
print(list(Seq()), 20 in Seq())
class Managed:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, kind, value, tb):
        print("exit", self.name, kind.__name__ if kind else None, value)
        return kind is ValueError
with Managed("a") as m:
    print("inside", m.name)
with Managed("b"):
    raise ValueError("suppressed")
print("after b")
try:
    with Managed("c"):
        raise KeyError("kept")
except KeyError as e:
    print("caught", e)
""",
    "nested_classes_decorators_str": """
class Outer:
    class Inner:
        def who(self):
            return type(self).__qualname__
    def make(self):
        return self.Inner()
print(Outer().make().who(), Outer.Inner.__qualname__, repr(Outer.Inner))
def factory():
    class Local:
        pass
    return Local
print(factory().__qualname__, factory()())
def add_greeting(cls):
    cls.greet = lambda self: "hi from " + type(self).__name__
    return cls
@add_greeting
class Person:
    pass
print(Person().greet())
class Static:
    @staticmethod
    def s(x):
        return x * 2
print(Static().s(2), Static.s(3))
class WithStr:
    def __str__(self):
        return "as str"
w = WithStr()
print(w, str(w), f"{w}", [w] == [w], repr(w)[:9])
class E(Exception):
    def __str__(self):
        return "custom message"
try:
    raise E("ignored")
except E as e:
    print(e, e.args)
try:
    try:
        raise KeyError("k")
    except KeyError as e:
        err = e
    raise err
except KeyError as again:
    print("again", again is err)
""",
    "generator_exceptions_delegation_scopes": """
def gen():
    try:
        yield 1
        yield 2
    except ValueError as e:
        print("gen caught", e)
        yield 99
g = gen()
print(next(g))
def consumer():
    total = 0
    while True:
        v = yield total
        if v is None:
            break
        total += v
    return total
c = consumer(); next(c)
print(c.send(3), c.send(4))
try:
    c.send(None)
except StopIteration as s:
    print("total", s.value)
class Tree:
    def __init__(self, v, kids=()):
        self.v, self.kids = v, kids
    def __iter__(self):
        yield self.v
        for k in self.kids:
            yield from k
t = Tree(1, [Tree(2, [Tree(3)]), Tree(4)])
print(list(t))
def bad():
    yield 1
    raise ValueError("inside generator")
try:
    for x in bad():
        print("got", x)
except ValueError as e:
    print("caught", e)
n = 10
class Scope:
    n = 5
    values = [n * 2 for i in range(2)]
print(Scope.values)
print(type(x for x in []).__name__, type(gen).__name__, type(gen()).__name__)
""",
    "matmul_items_properties_private": """
class Matrix:
    def __init__(self, rows):
        self.rows = rows
    def __matmul__(self, other):
        return Matrix([[sum(a * b for a, b in zip(r, c)) for c in zip(*other.rows)] for r in self.rows])
    def __repr__(self):
        return f"Matrix({self.rows})"
    def __getitem__(self, ij):
        i, j = ij
        return self.rows[i][j]
    def __setitem__(self, ij, v):
        i, j = ij
        self.rows[i][j] = v
m = Matrix([[1, 2], [3, 4]])
print(m @ m, m[1, 0])
m[0, 0] = 9
print(m)
class Temperature:
    def __init__(self):
        self._c = 0
    @property
    def celsius(self):
        return self._c
    @celsius.setter
    def celsius(self, v):
        if v < -273.15:
            raise ValueError("below absolute zero")
        self._c = v
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
t = Temperature(); t.celsius = 100
print(t.celsius, t.fahrenheit, t._c)
try:
    t.celsius = -300
except ValueError as e:
    print(e)
try:
    t.fahrenheit = 3
except AttributeError as e:
    print("AttributeError", e)
_private = 3
print(_private, [_ for _ in range(2)])
""",
    "varargs_defaults_constructors": """
def varargs(*args, **kwargs):
    return f"{len(args)} positional, keywords {sorted(kwargs)}"
print(varargs(1, 2, x=3), varargs(*[1, 2, 3], **{"a": 1, "b": 2}))
def kwonly(*, key):
    return key
print(kwonly(key=1))
try:
    kwonly(1)
except TypeError as e:
    print(e)
def defaults(a, b=[]):
    b.append(a)
    return b
print(defaults(1), defaults(2))
class Point:
    def __init__(self, x=0, y=0):
        self.x = x
        self.y = y
    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)
print(Point(1), Point(y=2), Point(*[3, 4]), Point(**{"x": 5}))
try:
    Point(1, 2, 3)
except TypeError as e:
    print(e)
try:
    Point(z=1)
except TypeError as e:
    print(e)
""",
    "reprs_of_functions_classes_generators": """
def f():
    yield 1
class K:
    def m(self):
        return 1
print(f, K, K.m, K().m, f(), (x for x in []), print, len, type(K()), type(K), type(f()), type(print))
print(repr(K), str(K), [K], K.__module__, K().__module__, f.__module__, f.__name__, K.m.__qualname__)
""",
    "loops_with_else_in_generators": """
def first_even(xs):
    for x in xs:
        if x % 2 == 0:
            yield x
            break
    else:
        yield None
    n = 0
    while n < 3:
        n += 1
        if n == 2:
            continue
        yield n
    else:
        yield "done"
print(list(first_even([1, 3, 4, 6])), list(first_even([1])))
def abandoned():
    for i in range(100):
        yield i
for v in abandoned():
    if v == 2:
        break
print(v)
""",
    "identity_and_ordering_defaults": """
class A:
    pass
a, b = A(), A()
print(a == a, a == b, a != b, a is a, len({a, b, a}), isinstance(a, (int, A)), type(a) == A, type(a) is not A)
try:
    a < b
except TypeError as e:
    print(e)
try:
    f"{a:>10}"
except TypeError as e:
    print(e)
print(sorted([3, 1, 2], key=lambda v: -v), sorted(["b", "a"], reverse=True))
""",
    "none_and_numbers_in_pythons_words": """
def f(*args):
    return args
x = None
n = 5
r = 1.5
b = True
attempts = [
    lambda: x(), lambda: x[0], lambda: x[1:2], lambda: x.zero_(), lambda: f(*x), lambda: print(*x), lambda: n[0],
    lambda: n(), lambda: r[0], lambda: b(),
]
for attempt in attempts:
    try:
        attempt()
    except (TypeError, AttributeError) as e:
        print(type(e).__name__, e)
def unpack():
    a, b = x
def item_assignment():
    x[0] = 1
def item_deletion():
    del x[0]
def attribute():
    x.y = 1
def read_only():
    n.real = 1
def manager():
    with x:
        pass
for attempt in (unpack, item_assignment, item_deletion, attribute, read_only, manager):
    try:
        attempt()
    except (TypeError, AttributeError) as e:
        print(type(e).__name__, e)
""",
    "uncaught_error_in_a_method": """
class Model:
    def forward(self, x):
        return self.helper(x)
    def helper(self, x):
        return x / 0
Model().forward(1)
""",
    "starred_assignment": """
a, *rest = [1, 2, 3, 4]
print(a, rest)
*head, last = range(5)
print(head, last)
first, *mid, last = "abcd"
print(first, mid, last)
(p, *q), r = [1, 2, 3], 4
print(p, q, r)
for i, *more in [(1, 2, 3), (4,)]:
    print(i, more)
print([t for _, *t in [(1, 2), (3, 4, 5)]])
d = {}
d["k"], *d["r"] = 1, 2, 3
print(d)
a, *b = (x * x for x in range(3))
print(a, b)
try:
    x, *y, z = [1]
except ValueError as e:
    print("ValueError:", e)
a, *b = 5
""",
    "delete_attributes": """
class Box:
    size = 3
    def __init__(self):
        self.content = [1, 2]
        self._note = "private"
    @property
    def area(self):
        return self.size * self.size
b = Box()
b.extra = "x"
del b.extra, b._note
print(hasattr(b, "extra"), hasattr(b, "_note"), b.content, b.size)
b.size = 5
del b.size
print(b.size, b.area)
b.inner = Box()
del b.inner.content
print(hasattr(b.inner, "content"))
for stmt in ("size", "extra", "area"):
    try:
        if stmt == "size":
            del b.size
        elif stmt == "extra":
            del b.extra
        else:
            del b.area
    except AttributeError as e:
        print("AttributeError:", e)
n = 5
del n.real
""",
    "unbound_locals": """
x = 1
def reads_global():
    return x
def shadows():
    print(x)
    x = 2
def counts():
    total += 1
def last(items):
    for item in items:
        pass
    return item
def outer():
    def inner():
        return y
    first = inner
    y = 5
    return first()
def declared_global():
    global x
    x += 1
    return x
print(reads_global(), last([1, 2, 3]), outer(), declared_global())
for f in (shadows, counts, lambda: last([])):
    try:
        f()
    except NameError as e:
        print(type(e).__name__, e)
def late():
    def inner():
        return z
    v = inner()
    z = 1
late()
""",
    "uncaught_user_exception": """
class ShapeError(ValueError):
    pass
def check(shape):
    if len(shape) != 2:
        raise ShapeError(f"expected 2 dims, got {len(shape)}")
check((1, 2, 3))
""",
}


def in_cpython(source: str) -> tuple[str, str | None]:
    out = io.StringIO()
    error = None
    state = random.getstate()
    random.seed(0)
    try:
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(source, "<lesson>", "exec"), {"__name__": "__main__"})
            except Exception as exc:  # the error is part of what is compared
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    finally:
        random.setstate(state)
    return ADDRESS.sub("0x...", out.getvalue()), error


def in_sandbox(source: str) -> tuple[str, str | None]:
    result = run_program(source, isolated=False)
    text = render_outputs([entry for entry in result.outputs if entry.kind == "print"])
    return ADDRESS.sub("0x...", text), None if result.error is None else result.error.message


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_prints_what_python_prints(name):
    source = PROGRAMS[name]
    assert in_sandbox(source) == in_cpython(source)


def test_an_uncaught_error_names_the_line_it_began_on():
    result = run_program(PROGRAMS["uncaught_error_in_a_method"], isolated=False)
    assert (result.error.line, result.error.kind) == (6, "ZeroDivisionError")
    result = run_program(PROGRAMS["uncaught_user_exception"], isolated=False)
    assert (result.error.line, result.error.kind) == (6, "ShapeError")
    assert result.error.message == "ShapeError: expected 2 dims, got 3"


def test_a_collected_generator_runs_none_of_the_programs_code_but_close_does():
    """close() runs the program's `finally` blocks down a `yield from` chain; a generator the program drops is
    not resumed again, so its `finally` never runs at some later moment of the run (where Python would run it)."""
    program = """def inner():
    try:
        yield 1
        yield 2
    finally:
        print('inner cleanup')
def outer():
    yield from inner()
g = outer()
print(next(g))
g.close()
print('closed')
h = outer()
print(next(h))
h = None
print('dropped')
"""
    result = run_program(program, isolated=False)
    assert result.error is None
    assert result.text() == "1\ninner cleanup\nclosed\n1\ndropped\n"


def test_raising_and_catching_in_a_loop_keeps_memory_bounded():
    program = "n = 0\nfor i in range(20000):\n    try:\n        raise ValueError(i)\n    except ValueError:\n" \
              "        n += 1\nprint(n)\n"
    from explorer.sandbox import Interpreter
    from explorer.sandbox.interpreter import MAX_ORIGINS

    interp = Interpreter()
    interp.run(program)
    assert interp.outputs[0].text == "20000\n"
    assert len(interp.origins) <= MAX_ORIGINS
