"""Generators: functions with `yield` / `yield from`, and generator expressions, run lazily as Python runs them.

Calling a generator function binds its arguments and returns a SandboxGenerator (values.py); its body runs
only when the generator is resumed. The body's statements run through the interpreter as usual, except the
ones that contain one of its yields (found once per function, `Interpreter.yielding`): those run here, as
Python generators of the interpreter's own, so that execution can stop at a `yield` and continue where it
stopped. A `yield` may be a statement or the value of an assignment (`x = yield y`), which is where lessons
write it; program_check refuses it elsewhere.

Each resume swaps the generator's own state (scope, line, loop depth, the exceptions its `except` bodies are
handling) into the interpreter and back, counts as a call (steps, call depth), and is the only way the body
advances: a generator the program abandons is never resumed again, and the program's `finally` blocks and
`__exit__` methods do not run when Python collects it (only `close()` runs them, as the program asked).
"""

from __future__ import annotations

import ast

from explorer.sandbox.limits import LimitExceeded
from explorer.sandbox.result import ProgramError
from explorer.sandbox.values import (
    EngineFunction,
    Refusal,
    SandboxGenerator,
    Scope,
    _Break,
    _Continue,
    _ControlFlow,
    _Return,
)


class GenState:
    """What a generator runs with, kept while it is suspended."""

    __slots__ = ("handling", "line", "loop_depth", "scope")

    def __init__(self, scope: Scope, line: int):
        self.scope = scope
        self.line = line
        self.loop_depth = 0
        self.handling: list = []


# the attributes of a real generator that lead to its frame and code: refused by name
GENERATOR_INTERNALS = frozenset({"gi_frame", "gi_code", "gi_running", "gi_yieldfrom", "gi_suspended", "throw"})


class GeneratorSupport:
    """The interpreter's part for generators (a mixin of interpreter.Interpreter)."""

    def generator_for(self, func, scope: Scope) -> SandboxGenerator:
        state = GenState(scope, func.node.lineno)
        gen = SandboxGenerator(self, func.qualname, None, state, func)
        gen.gen = self._function_body(func, gen)
        return gen

    def _function_body(self, func, gen: SandboxGenerator):
        yield from self.gen_block(func.node.body, self.yielding(func.node), gen)

    def _eval_genexp(self, node: ast.GeneratorExp) -> SandboxGenerator:
        """A generator expression: its first iterable now, in the enclosing scope (as Python does), the rest
        lazily, in a scope of its own."""
        first = node.generators[0]
        if any(clause.is_async for clause in node.generators):
            raise Refusal("sandbox.unsupported_syntax", what="async comprehensions")
        source = self.iterate(self.eval(first.iter))
        state = GenState(Scope(parent=self.enclosing_scope(self.scope), kind="comprehension"), node.lineno)
        gen = SandboxGenerator(self, "<genexpr>", None, state)
        gen.gen = self._genexp_level(node, 0, source)
        return gen

    def _genexp_level(self, node: ast.GeneratorExp, index: int, source):
        clause = node.generators[index]
        iterator = source if index == 0 else self.iterate(self.eval(clause.iter))
        for item in iterator:
            self.budget.tick()
            self.assign(clause.target, item)
            if all(self.truth(self.eval(cond)) for cond in clause.ifs):
                if index + 1 < len(node.generators):
                    yield from self._genexp_level(node, index + 1, None)
                else:
                    yield self.eval(node.elt)

    # ------------------------------------------------------------------------------------------------------
    # resuming

    def resume(self, gen: SandboxGenerator, sent=None):
        """next(gen) / gen.send(value): run the body to its next yield (its value) or its end (StopIteration)."""
        if gen.running:
            raise ValueError("generator already executing")
        if gen.finished:
            raise StopIteration
        if not gen.started and sent is not None:
            raise TypeError("can't send non-None value to a just-started generator")
        self.budget.tick()
        if self.depth >= self.limits.call_depth:
            raise LimitExceeded("limit.call_depth", limit=self.limits.call_depth)
        saved = self._enter_generator(gen)
        try:
            return gen.gen.send(sent)
        except StopIteration:
            gen.finished = True
            raise
        except _Return as ret:
            gen.finished = True
            raise StopIteration(ret.value) from None
        except ProgramError as error:
            gen.finished = True
            if isinstance(error.cause, StopIteration):  # PEP 479, in Python's words
                raise self.program_error(RuntimeError("generator raised StopIteration"), _At(error)) from None
            raise
        except BaseException:
            gen.finished = True
            raise
        finally:
            self._leave_generator(gen, saved)

    def close_generator(self, gen: SandboxGenerator) -> None:
        """gen.close(): GeneratorExit at the yield where it stopped; its `finally` blocks run."""
        if gen.finished or not gen.started:
            gen.finished = True
            return
        if gen.running:
            raise ValueError("generator already executing")
        self.budget.tick()
        saved = self._enter_generator(gen)
        gen.closing = True
        try:
            gen.gen.close()
        finally:
            gen.closing = False
            gen.finished = True
            self._leave_generator(gen, saved)

    def _enter_generator(self, gen: SandboxGenerator):
        state = gen.state
        saved = (self.scope, self.line, self.loop_depth, self.handling)
        self.scope, self.line, self.loop_depth, self.handling = (state.scope, state.line, state.loop_depth,
                                                                 state.handling)
        self.frames.append((gen.func, state.scope))
        self.depth += 1
        gen.running = True
        gen.started = True
        return saved

    def _leave_generator(self, gen: SandboxGenerator, saved) -> None:
        state = gen.state
        state.line, state.loop_depth = self.line, self.loop_depth
        self.scope, self.line, self.loop_depth, self.handling = saved
        self.frames.pop()
        self.depth -= 1
        gen.running = False

    def generator_attribute(self, gen: SandboxGenerator, name: str):
        if name == "send":
            return EngineFunction(self, lambda value: self.resume(gen, value), "send", "native", owner=gen)
        if name == "close":
            return EngineFunction(self, lambda: self.close_generator(gen), "close", "native", owner=gen)
        if name in GENERATOR_INTERNALS:
            raise Refusal("sandbox.attribute_refused", owner="generator", attr=name)
        raise Refusal("sandbox.attribute_missing", kind="AttributeError", owner="'generator' object", attr=name)

    # ------------------------------------------------------------------------------------------------------
    # statements that contain a yield

    def gen_block(self, body: list, yielding: frozenset, gen: SandboxGenerator):
        for stmt in body:
            if id(stmt) in yielding:
                yield from self.gen_stmt(stmt, yielding, gen)
            else:
                self.exec_stmt(stmt)

    def gen_stmt(self, stmt, yielding: frozenset, gen: SandboxGenerator):
        self.budget.tick()
        self.line = stmt.lineno
        try:
            kind = type(stmt)
            if kind is ast.Expr:
                yield from self._gen_value(stmt.value, gen)
            elif kind in (ast.Assign, ast.AnnAssign):
                value = yield from self._gen_value(stmt.value, gen)
                for target in stmt.targets if kind is ast.Assign else [stmt.target]:
                    self.assign(target, value)
            elif kind is ast.If:
                branch = stmt.body if self.truth(self.eval(stmt.test)) else stmt.orelse
                yield from self.gen_block(branch, yielding, gen)
            elif kind in (ast.For, ast.While):
                yield from self._gen_loop(stmt, yielding, gen)
            elif kind is ast.With:
                yield from self._gen_with(stmt, yielding, gen)
            elif kind is ast.Try:
                yield from self._gen_try(stmt, yielding, gen)
            else:  # never: program_check allows a yield only where the cases above can run it
                raise Refusal("sandbox.unsupported_syntax", what=f"'yield' in {kind.__name__}")
        except (ProgramError, _ControlFlow):
            raise
        except Exception as exc:
            raise self.program_error(exc, stmt) from None

    def _gen_value(self, node, gen: SandboxGenerator):
        if isinstance(node, ast.Yield):
            value = None if node.value is None else self.eval(node.value)
            self.line = node.lineno
            return (yield value)
        return (yield from self._delegate(self.eval(node.value), gen))

    def _delegate(self, source, gen: SandboxGenerator):
        """`yield from source`: a generator of the program's is resumed (send goes through), anything else is
        iterated; the value is the sub-generator's return value."""
        if isinstance(source, SandboxGenerator):
            sent = None
            while True:
                try:
                    value = self.resume(source, sent)
                except StopIteration as stop:
                    return stop.value
                try:
                    sent = yield value
                except GeneratorExit:
                    if gen.closing and not source.finished:  # close() goes down the chain; collection does not
                        self.close_generator(source)
                    raise
        for item in self.iterate(source):
            self.budget.tick()
            yield item
        return None

    def _gen_loop(self, node, yielding: frozenset, gen: SandboxGenerator):
        # no try/finally around interpreter state here: a generator Python collects gets GeneratorExit at its
        # yield, and must change nothing of whatever runs at that moment
        self.loop_depth += 1
        finished = True
        if isinstance(node, ast.For):
            iterator = self.iterate(self.eval(node.iter))
            rounds = ((self.assign(node.target, item)) for item in iterator)
        else:
            rounds = iter(lambda: self.truth(self.eval(node.test)), False)
        for _ in rounds:
            self.budget.tick()
            try:
                yield from self.gen_block(node.body, yielding, gen)
            except _Break:
                finished = False
                break
            except _Continue:
                continue
        self.loop_depth -= 1
        if finished:
            yield from self.gen_block(node.orelse, yielding, gen)

    def _gen_with(self, node: ast.With, yielding: frozenset, gen: SandboxGenerator):
        entered = []
        try:
            for item in node.items:
                manager = self.eval(item.context_expr)
                value = self.enter_manager(manager)
                entered.append(manager)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value)
            yield from self.gen_block(node.body, yielding, gen)
        except ProgramError as error:
            if self.exit_managers(entered, error):
                return
            raise
        except GeneratorExit:
            self.exit_managers(entered, None, program_code=gen.closing)
            raise
        except BaseException:
            self.exit_managers(entered, None)
            raise
        else:
            self.exit_managers(entered, None)

    def _gen_try(self, node: ast.Try, yielding: frozenset, gen: SandboxGenerator):
        try:
            caught = None
            try:
                yield from self.gen_block(node.body, yielding, gen)
            except ProgramError as error:
                caught = self._handler_for(node, error)
            if caught is not None:
                yield from self._gen_handler(caught[0], caught[1], yielding, gen)
            else:
                yield from self.gen_block(node.orelse, yielding, gen)
        except ProgramError as error:
            if node.finalbody and self.catchable(error) is not None:
                yield from self.gen_block(node.finalbody, yielding, gen)
            raise
        except _ControlFlow:
            yield from self.gen_block(node.finalbody, yielding, gen)
            raise
        except GeneratorExit:
            if gen.closing:  # close() asked for it; a collected generator runs none of the program's code
                yield from self.gen_block(node.finalbody, yielding, gen)
            raise
        else:
            yield from self.gen_block(node.finalbody, yielding, gen)

    def _gen_handler(self, handler: ast.ExceptHandler, exc: BaseException, yielding: frozenset,
                     gen: SandboxGenerator):
        exc.__traceback__ = None
        if handler.name:
            self.bind(handler.name, exc)
        self.handling.append(exc)
        try:
            yield from self.gen_block(handler.body, yielding, gen)
        except GeneratorExit:
            raise
        except BaseException:
            self._end_handler(handler, exc)
            raise
        self._end_handler(handler, exc)

    def _end_handler(self, handler: ast.ExceptHandler, exc: BaseException) -> None:
        if self.handling and self.handling[-1] is exc:
            self.handling.pop()
        if handler.name:
            scope = self._binding_scope(handler.name)
            if scope.vars.get(handler.name) is exc:
                del scope.vars[handler.name]


class _At:
    """A position for a new error: the line of the error it replaces."""

    def __init__(self, error: ProgramError):
        self.lineno = error.line
        self.col_offset = max(error.col - 1, 0)
