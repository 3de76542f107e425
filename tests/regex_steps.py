"""Count the work a backtracking regular-expression engine does, to bound it in tests.

Python's ``re`` has no step counter, and timing a match is at the mercy of the machine.
This is a small backtracking matcher over the parse tree ``re`` itself produces, trying
alternatives in the same order as ``re`` (greedy, lazy and possessive repeats, branches,
look-arounds, back-references), that counts one step per node tried. A pattern that
backtracks catastrophically in ``re`` does so here too, and the count shows it at input
sizes of a few hundred characters: the tests assert that the count grows linearly.
"""

from __future__ import annotations

import re
import sys
import threading
from re import _constants as c  # the parser's own opcodes
from re import _parser

_SINGLE = (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN)


class TooMuchWork(Exception):
    """The matcher passed its step budget."""


class StepCounter:
    """finditer() over one pattern, counting steps; raises TooMuchWork past ``cap``."""

    def __init__(self, pattern: re.Pattern, cap: int) -> None:
        self.is_bytes = isinstance(pattern.pattern, bytes)
        source = pattern.pattern.decode("latin-1") if self.is_bytes else pattern.pattern
        flags = pattern.flags & ~re.UNICODE if self.is_bytes else pattern.flags
        self.tree = _parser.parse(source, flags)
        self.flags = flags
        self.icase = bool(flags & re.IGNORECASE)
        self.dotall = bool(flags & re.DOTALL)
        self.multiline = bool(flags & re.MULTILINE)
        self.cap = cap
        self.steps = 0
        self.groups: dict[int, tuple[int, int]] = {}

    # -- driver -----------------------------------------------------------------------------
    def count(self, text: str | bytes) -> int:
        """Steps to find every match in text (as finditer does); also the matches' count."""
        s = text.decode("latin-1") if isinstance(text, bytes) else text
        result: list = []

        def run() -> None:
            try:
                result.append(self._finditer(s))
            except BaseException as exc:  # carried to the calling thread
                result.append(exc)

        old = sys.getrecursionlimit()
        sys.setrecursionlimit(200_000)
        size = threading.stack_size(512 * 1024 * 1024)
        try:
            worker = threading.Thread(target=run)
            worker.start()
            worker.join()
        finally:
            threading.stack_size(size)
            sys.setrecursionlimit(old)
        if isinstance(result[0], BaseException):
            raise result[0]
        return self.steps

    def _finditer(self, s: str) -> int:
        self.s, self.n = s, len(s)
        found, pos = 0, 0
        while pos <= self.n:
            end = None
            start = pos
            while start <= self.n:
                self._step()
                self.groups = {}
                end = self._seq(self.tree.data, 0, start, lambda e: e)
                if end is not None:
                    break
                start += 1
            if end is None:
                break
            found += 1
            pos = end if end > start else end + 1
        return found

    def _step(self) -> None:
        self.steps += 1
        if self.steps > self.cap:
            raise TooMuchWork(self.steps)

    # -- characters -------------------------------------------------------------------------
    def _category(self, cat, ch: str) -> bool:
        ascii_only = self.is_bytes or self.flags & re.ASCII
        if ascii_only and not ch.isascii():
            word = digit = space = False
        else:
            word, digit, space = (ch.isalnum() or ch == "_"), ch.isdecimal(), ch.isspace()
            if ascii_only:
                space = ch in " \t\n\r\f\v"
        return {
            c.CATEGORY_DIGIT: digit,
            c.CATEGORY_NOT_DIGIT: not digit,
            c.CATEGORY_SPACE: space,
            c.CATEGORY_NOT_SPACE: not space,
            c.CATEGORY_WORD: word,
            c.CATEGORY_NOT_WORD: not word,
        }[cat]

    def _in(self, items, ch: str) -> bool:
        negate = False
        hit = False
        for op, av in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                hit = hit or self._eq(ch, chr(av))
            elif op is c.RANGE:
                lo, hi = av
                hit = hit or any(lo <= ord(x) <= hi for x in self._cases(ch))
            elif op is c.CATEGORY:
                hit = hit or self._category(av, ch)
        return hit != negate

    def _cases(self, ch: str) -> tuple[str, ...]:
        return (ch, ch.lower(), ch.upper()) if self.icase else (ch,)

    def _eq(self, ch: str, want: str) -> bool:
        return ch == want or (self.icase and ch.lower() == want.lower())

    def _char(self, op, av, pos: int) -> bool:
        if pos >= self.n:
            return False
        ch = self.s[pos]
        if op is c.LITERAL:
            return self._eq(ch, chr(av))
        if op is c.NOT_LITERAL:
            return not self._eq(ch, chr(av))
        if op is c.ANY:
            return self.dotall or ch != "\n"
        return self._in(av, ch)

    def _at(self, code, pos: int) -> bool:
        s, n = self.s, self.n
        if code is c.AT_BEGINNING:
            return pos == 0 or (self.multiline and s[pos - 1] == "\n")
        if code is c.AT_BEGINNING_STRING:
            return pos == 0
        if code is c.AT_END:
            if pos == n or (pos == n - 1 and s[pos] == "\n"):
                return True
            return self.multiline and s[pos] == "\n"
        if code is c.AT_END_STRING:
            return pos == n
        before = pos > 0 and self._category(c.CATEGORY_WORD, s[pos - 1])
        after = pos < n and self._category(c.CATEGORY_WORD, s[pos])
        if code is c.AT_BOUNDARY:
            return before != after
        if code is c.AT_NON_BOUNDARY:
            return before == after
        raise NotImplementedError(code)

    # -- the matcher ------------------------------------------------------------------------
    def _seq(self, nodes, i: int, pos: int, k):
        """Match nodes[i:] at pos, then the continuation k(end); its result or None."""
        if i == len(nodes):
            return k(pos)
        self._step()
        op, av = nodes[i]
        if op in _SINGLE:
            return self._seq(nodes, i + 1, pos + 1, k) if self._char(op, av, pos) else None
        if op is c.AT:
            return self._seq(nodes, i + 1, pos, k) if self._at(av, pos) else None
        if op is c.SUBPATTERN:
            group, _add, _del, sub = av

            def close(end, start=pos):
                old = self.groups.get(group)
                if group is not None:
                    self.groups[group] = (start, end)
                out = self._seq(nodes, i + 1, end, k)
                if out is None and group is not None:
                    if old is None:
                        self.groups.pop(group, None)
                    else:
                        self.groups[group] = old
                return out

            return self._seq(sub.data, 0, pos, close)
        if op is c.BRANCH:
            for alt in av[1]:
                out = self._seq(alt.data, 0, pos, lambda e: self._seq(nodes, i + 1, e, k))
                if out is not None:
                    return out
            return None
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            return self._repeat(op, av, nodes, i, pos, k)
        if op is c.ATOMIC_GROUP:
            end = self._seq(av.data, 0, pos, lambda e: e)
            return None if end is None else self._seq(nodes, i + 1, end, k)
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, sub = av
            if direction < 0:
                width = sub.getwidth()[0]
                start = pos - width
                ok = start >= 0 and self._seq(sub.data, 0, start, lambda e: e if e == pos else None)
            else:
                ok = self._seq(sub.data, 0, pos, lambda e: e) is not None
            ok = ok is not None and ok is not False
            if ok == (op is c.ASSERT):
                return self._seq(nodes, i + 1, pos, k)
            return None
        if op is c.GROUPREF:
            span = self.groups.get(av)
            if span is None:
                return None
            ref = self.s[span[0] : span[1]]
            got = self.s[pos : pos + len(ref)]
            same = got.lower() == ref.lower() if self.icase else got == ref
            return self._seq(nodes, i + 1, pos + len(ref), k) if same else None
        raise NotImplementedError(op)

    def _repeat(self, op, av, nodes, i: int, pos: int, k):
        lo, hi, sub = av
        hi = self.n + 1 if hi is c.MAXREPEAT else hi
        rest = lambda e: self._seq(nodes, i + 1, e, k)  # noqa: E731
        if len(sub.data) == 1 and sub.data[0][0] in _SINGLE:
            one_op, one_av = sub.data[0]
            most = 0
            while most < hi and self._char(one_op, one_av, pos + most):
                self._step()
                most += 1
            if most < lo:
                return None
            if op is c.POSSESSIVE_REPEAT:
                return rest(pos + most)
            order = range(most, lo - 1, -1) if op is c.MAX_REPEAT else range(lo, most + 1)
            for count in order:
                self._step()
                out = rest(pos + count)
                if out is not None:
                    return out
            return None
        if op is c.POSSESSIVE_REPEAT:
            end = self._general(c.MAX_REPEAT, lo, hi, sub, 0, pos, lambda e: e)
            return None if end is None else rest(end)
        return self._general(op, lo, hi, sub, 0, pos, rest)

    def _general(self, op, lo, hi, sub, count, pos, rest):
        self._step()

        def more(end):
            if end == pos and count >= lo:
                return None  # an empty iteration ends the loop, as in re
            return self._general(op, lo, hi, sub, count + 1, end, rest)

        if op is c.MIN_REPEAT and count >= lo:
            out = rest(pos)
            if out is not None:
                return out
        if count < hi:
            out = self._seq(sub.data, 0, pos, more)
            if out is not None:
                return out
        if op is c.MAX_REPEAT and count >= lo:
            return rest(pos)
        return None
