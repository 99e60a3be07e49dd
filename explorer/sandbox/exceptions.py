"""`try`/`except`/`else`/`finally` and `raise`, and the line between Python code and the interpreter.

Inside the interpreter every failure travels as a ProgramError (line, one line of text) whose `cause` is
what failed. An `except` clause sees the cause as the Python exception the program would have met: the
engine's RuntimeError, a ZeroDivisionError, a ValueError the program raised, or, for a mistake the
sandbox reports in Python's words (NameError, TypeError for wrong arguments, AttributeError), a real
exception of that type with Python's message. What the sandbox refuses (NotAllowed) and what exhausts a
budget (LimitError, recursion, memory) is never catchable: no `except` clause sees it and no `finally` block
runs after it, so a program cannot outlive its budgets or try its way around a refusal.

Where the engine or Python calls back into the program (a hook, a custom Function's backward, a special
method called by an operator), `call_from_python` turns a catchable failure back into the Python exception,
so that Python code in between (a `for` loop waiting for StopIteration) sees what it expects; the
ProgramError it first made is remembered, so the run still reports the line where it began.
"""

from __future__ import annotations

import ast

from explorer.sandbox.limits import LimitExceeded
from explorer.sandbox.program_check import CheckFailure
from explorer.sandbox.result import ProgramError
from explorer.sandbox.values import BuiltinFunction, ClassRef, Refusal, TypeDisplay, UserClass, _ControlFlow
from explorer.text import t

# the kinds of the sandbox's own messages that are Python's exceptions (a program may catch them)
PYTHON_KINDS = {cls.__name__: cls for cls in (
    NameError, TypeError, AttributeError, ImportError, ModuleNotFoundError, AssertionError, ValueError,
    IndexError, KeyError, RuntimeError, ZeroDivisionError, StopIteration,
)}


class ExceptionSupport:
    """The interpreter's part for exceptions (a mixin of interpreter.Interpreter)."""

    def catchable(self, error: ProgramError):
        """The Python exception an `except` clause sees for `error`, or None when no clause may catch it."""
        cause = error.cause
        if cause is None or isinstance(cause, (LimitExceeded, CheckFailure, RecursionError, MemoryError,
                                               _ControlFlow)):
            return None
        if isinstance(cause, Refusal):
            kind = PYTHON_KINDS.get(cause.kind)
            if kind is None:
                return None
            exc = getattr(cause, "python", None)
            if exc is None:
                message = t(cause.key, "en", **cause.params)
                for prefix in (f"{cause.kind}: ", cause.kind):
                    if message.startswith(prefix):
                        message = message[len(prefix):]
                        break
                message = message.removeprefix(": ")
                exc = kind(message) if message else kind()
                cause.python = exc
                self.remember_origin(exc, error)
            return exc
        if isinstance(cause, Exception) and not isinstance(cause, ProgramError):
            self.remember_origin(cause, error)
            return cause
        return None

    def call_from_python(self, func, args: tuple, kwargs: dict):
        """The program's callable, called by Python or the engine: a catchable failure goes back out as the
        Python exception it is."""
        try:
            return self.invoke(func, args, kwargs)
        except ProgramError as error:
            exc = self.catchable(error)
            if exc is None:
                raise
        exc.__traceback__ = None
        raise exc

    # ------------------------------------------------------------------------------------------------------
    # try

    def _exec_try(self, node: ast.Try) -> None:
        try:
            caught = None
            try:
                self.exec_block(node.body)
            except ProgramError as error:
                caught = self._handler_for(node, error)
            if caught is not None:
                self._run_handler(*caught)  # outside Python's `except`: nothing chains to the ProgramError
            else:
                self.exec_block(node.orelse)
        except ProgramError as error:
            if node.finalbody and self.catchable(error) is not None:
                self.exec_block(node.finalbody)  # an error of its own, or a return, replaces this one
            raise
        except _ControlFlow:
            self.exec_block(node.finalbody)  # return, break and continue pass through `finally`
            raise
        else:
            self.exec_block(node.finalbody)

    def _handler_for(self, node, error: ProgramError):
        """(handler, exception) of the `except` clause that catches `error`; re-raises it when none does."""
        exc = self.catchable(error)
        handler = self._matching_handler(node.handlers, exc) if exc is not None else None
        if handler is None:
            raise error
        return handler, exc

    def _matching_handler(self, handlers: list, exc: BaseException):
        for handler in handlers:
            if handler.type is None:
                return handler
            self.line = handler.lineno
            spec = self.eval(handler.type)
            try:
                classes = self.exception_classes(spec)
            except TypeError as problem:
                raise self.program_error(problem, handler) from None
            if isinstance(exc, classes):
                return handler
        return None

    def _run_handler(self, handler: ast.ExceptHandler, exc: BaseException) -> None:
        exc.__traceback__ = None  # the interpreter's frames are nobody's business, and hold memory
        if handler.name:
            self.bind(handler.name, exc)
        self.handling.append(exc)
        try:
            self.exec_block(handler.body)
        finally:
            self.handling.pop()
            if handler.name:
                scope = self._binding_scope(handler.name)
                if scope.vars.get(handler.name) is exc:
                    del scope.vars[handler.name]  # as Python does at the end of `except ... as name:`

    def exception_classes(self, spec) -> tuple:
        """The classes an `except` clause names."""
        items = spec if isinstance(spec, tuple) else (spec,)
        classes = []
        for item in items:
            if isinstance(item, ClassRef) and issubclass(item.cls, BaseException):
                classes.append(item.cls)
            elif isinstance(item, UserClass) and issubclass(item.real, BaseException):
                classes.append(item.real)
            elif isinstance(item, TypeDisplay) and issubclass(item.cls, BaseException):
                classes.append(item.cls)
            elif isinstance(item, tuple):
                classes.extend(self.exception_classes(item))
            else:
                raise TypeError("catching classes that do not inherit from BaseException is not allowed")
        return tuple(classes)

    # ------------------------------------------------------------------------------------------------------
    # raise

    def _exec_raise(self, node: ast.Raise) -> None:
        if node.exc is None:
            if not self.handling:
                raise RuntimeError("No active exception to reraise")
            raise self.handling[-1]
        exc = self.exception_instance(self.eval(node.exc), "exceptions must derive from BaseException")
        if node.cause is not None:
            cause = self.eval(node.cause)
            if cause is None:
                exc.__cause__ = None
            else:
                exc.__cause__ = self.exception_instance(cause, "exception causes must derive from BaseException")
            exc.__suppress_context__ = True
        raise exc

    def exception_instance(self, value, message: str) -> BaseException:
        """What `raise value` raises: an instance as it is, a class called without arguments."""
        if isinstance(value, (ClassRef, UserClass)):
            cls = value.cls if isinstance(value, ClassRef) else value.real
            if not issubclass(cls, BaseException):
                raise TypeError(message)
            value = self.invoke(value, (), {})
        elif isinstance(value, BuiltinFunction) or not isinstance(value, BaseException):
            raise TypeError(message)
        if not isinstance(value, Exception):
            # SystemExit, KeyboardInterrupt and their kind end interpreters, not lessons
            raise Refusal("sandbox.unsupported_syntax", what=f"raising {type(value).__name__}")
        return value
