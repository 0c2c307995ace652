"""Every field a template names, in every branch, checked against the fields the bot gives.

Rendering an email once with its example (template_examples) takes one path through each
`{% if %}`: a field the bot does not give, used in a branch the example does not take, was
found only by the first email that took it, and that email (a SIN's acknowledgement, say) then
failed. Reading the template's syntax tree instead sees every branch.

What counts as given: the example's keys, and inside them the keys of nested objects
(`case.ref`); a loop over a list of objects gives each object's keys (`{% for d in deadlines %}`).
What counts as safe without being given: a field tested first (`{% if warnings is defined %}`,
`x if x is defined else ...`, `x is defined and x`), one with `|default`, and whatever the
template itself sets, loops over, imports or takes as a macro argument. Fields inside a value
whose shape the example does not show (a macro's argument, a value computed in the template)
are not followed: the render check still tries those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from jinja2 import TemplateError, nodes

# Jinja names every template may use without the bot giving them.
BUILT_IN = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})
# Filters that hand back the list they were given (in another order, or fewer of it).
SAME_ITEMS = frozenset({"sort", "reverse", "list", "selectattr", "rejectattr", "unique"})
DEFAULT = frozenset({"default", "d"})


class _Unknown:
    """The shape of a value the example does not show: nothing inside it is checked."""


UNKNOWN = _Unknown()
MISSING = object()  # what `_inside` says of a field the value does not have
Scope = Mapping[str, object]  # a name the template may use -> the example value it holds


@dataclass(frozen=True)
class Unknown:
    """A field a template uses that the bot does not give, and where."""

    template: str
    line: int
    field: str


def _path(node: nodes.Node) -> list[str] | None:
    """`case.deadline.due` as ["case", "deadline", "due"]; None for anything else."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return None if inner is None else [*inner, node.attr]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        inner = _path(node.node)
        key = node.arg.value
        return None if inner is None or not isinstance(key, str) else [*inner, key]
    return None


def _defined_if_true(test: nodes.Node) -> set[str]:
    """The fields (dotted) known to be there where `test` is true."""
    if isinstance(test, nodes.Test) and test.name == "defined":
        return {".".join(p) for p in [_path(test.node)] if p}
    if isinstance(test, nodes.Not):
        return _defined_if_false(test.node)
    if isinstance(test, nodes.And):
        return _defined_if_true(test.left) | _defined_if_true(test.right)
    return set()


def _defined_if_false(test: nodes.Node) -> set[str]:
    if isinstance(test, nodes.Test) and test.name == "undefined":
        return {".".join(p) for p in [_path(test.node)] if p}
    if isinstance(test, nodes.Not):
        return _defined_if_true(test.node)
    if isinstance(test, nodes.Or):
        return _defined_if_false(test.left) | _defined_if_false(test.right)
    return set()


def _items(shape: object) -> object:
    """What a loop over `shape` gives each time: for a list of objects, every key any has."""
    if not isinstance(shape, list) or not shape:
        return UNKNOWN
    if all(isinstance(item, dict) for item in shape):
        merged: dict[str, object] = {}
        for item in shape:
            for key, value in item.items():
                if merged.get(key) is None:
                    merged[key] = value
        return merged
    return shape[0]


def _inside(shape: object, key: str) -> object:
    """The shape of `shape.key`; MISSING when the bot's value has no such field."""
    if isinstance(shape, _Unknown) or shape is None:
        return UNKNOWN  # a value the example does not show, or leaves out (null)
    if isinstance(shape, dict) and key in shape:
        return shape[key]
    return UNKNOWN if hasattr(shape, key) else MISSING  # a method, or a date's .year


@dataclass
class _Walk:
    """One email's templates walked with one example's fields; `found` collects what fails."""

    parse: Callable[[str], nodes.Template]
    fields: Scope
    known: frozenset[str]
    found: list[Unknown] = field(default_factory=list)
    _walked: set[str] = field(default_factory=set)
    _name: str = ""

    def template(self, name: str, scope: Scope) -> None:
        if name in self._walked:
            return
        self._walked.add(name)
        tree = self.parse(name)
        # What a template sets, defines or imports at its top is in every block's context.
        top = dict(scope) | {n: UNKNOWN for stmt in tree.body for n in _binds(stmt)}
        outer, self._name = self._name, name
        self.body(tree.body, top, frozenset())
        self._name = outer

    def body(self, stmts: Iterable[nodes.Node], scope: Scope, guards: frozenset[str]) -> set[str]:
        """Walk statements in order; the names they set, for the statements after them."""
        local = dict(scope)
        for stmt in stmts:
            for name in self.statement(stmt, local, guards):
                local.setdefault(name, UNKNOWN)
            if isinstance(stmt, nodes.Assign) and isinstance(stmt.target, nodes.Name):
                local[stmt.target.name] = self.shape(stmt.node, local)  # {% set ds = deadlines %}
        return set(local) - set(scope)

    def statement(self, node: nodes.Node, scope: Scope, guards: frozenset[str]) -> set[str]:
        if isinstance(node, nodes.If):
            self.expr(node.test, scope, guards)
            made = self.body(node.body, scope, guards | _defined_if_true(node.test))
            otherwise = guards | _defined_if_false(node.test)
            for branch in node.elif_:
                made |= self.statement(branch, scope, otherwise)
                otherwise |= _defined_if_false(branch.test)
            return made | self.body(node.else_, scope, otherwise)
        if isinstance(node, nodes.For):
            self._for(node, scope, guards)
            return set()
        if isinstance(node, nodes.Assign):
            self.expr(node.node, scope, guards)
            return set(_targets(node.target))
        if isinstance(node, nodes.Extends | nodes.Include):
            self._included(node, scope)
            return set()
        if isinstance(node, nodes.Macro | nodes.CallBlock | nodes.With):
            self._with_names(node, scope, guards)
            return _binds(node)
        return self._other(node, scope, guards)

    def _with_names(
        self, node: nodes.Macro | nodes.CallBlock | nodes.With, scope: Scope, guards: frozenset[str]
    ) -> None:
        """A macro's or a call block's arguments, or {% with %}'s names, inside it only."""
        if isinstance(node, nodes.With):
            given, names = node.values, [n for t in node.targets for n in _targets(t)]
        else:
            given, names = list(node.defaults), [a.name for a in node.args]
        if isinstance(node, nodes.CallBlock):
            given.append(node.call)
        for value in given:
            self.expr(value, scope, guards)
        self.body(node.body, {**scope, **dict.fromkeys(names, UNKNOWN)}, guards)

    def _other(self, node: nodes.Node, scope: Scope, guards: frozenset[str]) -> set[str]:
        """Blocks, output, {% set x %}...{% endset %} and the rest: their statements in order,
        their expressions checked."""
        made = _binds(node)
        stmts = [n for n in node.iter_child_nodes() if isinstance(n, nodes.Stmt)]
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr) and not _stored(child):
                self.expr(child, scope, guards)
        return made | self.body(stmts, scope, guards)

    def _for(self, node: nodes.For, scope: Scope, guards: frozenset[str]) -> None:
        self.expr(node.iter, scope, guards)
        each = self.shape(node.iter, scope)
        names = _targets(node.target)
        inner = {**scope, "loop": UNKNOWN}
        inner |= {
            n: _items(each) if isinstance(node.target, nodes.Name) else UNKNOWN for n in names
        }
        if node.test is not None:
            self.expr(node.test, inner, guards)
        self.body(node.body, inner, guards)
        self.body(node.else_, scope, guards)

    def _included(self, node: nodes.Extends | nodes.Include, scope: Scope) -> None:
        """A layout extended sees the email's fields; a piece included, the includer's names."""
        if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
            return
        if isinstance(node, nodes.Include) and not node.with_context:
            return
        given = self.fields if isinstance(node, nodes.Extends) else scope
        try:
            self.template(node.template.value, given)
        except (TemplateError, UnicodeDecodeError):
            return  # not there, or not readable: the render and compile checks say so

    def expr(self, node: nodes.Node, scope: Scope, guards: frozenset[str]) -> None:
        path = _path(node)
        if path is not None:
            self._field(path, node.lineno, scope, guards)
        elif isinstance(node, nodes.Test | nodes.Filter) and self._may_be_missing(node):
            if node.node is not None:
                for child in node.node.iter_child_nodes():
                    self.expr(child, scope, guards)
            for arg in [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]:
                if arg is not None:
                    self.expr(arg, scope, guards)
        elif isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope, guards)
            self.expr(node.expr1, scope, guards | _defined_if_true(node.test))
            if node.expr2 is not None:
                self.expr(node.expr2, scope, guards | _defined_if_false(node.test))
        elif isinstance(node, nodes.And | nodes.Or):
            self.expr(node.left, scope, guards)
            after = _defined_if_true if isinstance(node, nodes.And) else _defined_if_false
            self.expr(node.right, scope, guards | after(node.left))
        else:
            for child in node.iter_child_nodes():
                self.expr(child, scope, guards)

    @staticmethod
    def _may_be_missing(node: nodes.Test | nodes.Filter) -> bool:
        """`x is defined`, `x|default(...)`: x's last step may be missing; what holds it not."""
        names = {"defined", "undefined"} if isinstance(node, nodes.Test) else DEFAULT
        return node.name in names and node.node is not None and _path(node.node) is not None

    def _field(self, path: list[str], line: int, scope: Scope, guards: frozenset[str]) -> None:
        head = path[0]
        if head in scope or head in self.known or head in guards:
            shape = scope.get(head, UNKNOWN)
            for depth, key in enumerate(path[1:], start=2):
                if ".".join(path[:depth]) in guards:
                    return
                inner = _inside(shape, key)
                if inner is MISSING:
                    return self._unknown(".".join(path[:depth]), line)
                shape = inner
            return None
        return self._unknown(head, line)

    def _unknown(self, name: str, line: int) -> None:
        self.found.append(Unknown(self._name, line, name))

    def shape(self, node: nodes.Node, scope: Scope) -> object:
        """The example value an expression stands for, where it can be told."""
        if isinstance(node, nodes.Filter) and node.name in SAME_ITEMS and node.node is not None:
            return self.shape(node.node, scope)
        path = _path(node)
        shape = scope.get(path[0], UNKNOWN) if path else UNKNOWN
        for key in path[1:] if path else []:
            inner = _inside(shape, key)
            shape = UNKNOWN if inner is MISSING else inner
        return shape


def _stored(node: nodes.Expr) -> bool:
    """A name being set ({% set x %}...{% endset %}), not read."""
    return isinstance(node, nodes.NSRef) or getattr(node, "ctx", "load") != "load"


def _targets(node: nodes.Node) -> list[str]:
    """The names `{% set %}`, `{% for %}` or `{% with %}` binds (not `ns.x`, which sets none)."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Tuple):
        return [n for item in node.items for n in _targets(item)]
    return []


def _binds(node: nodes.Node) -> set[str]:
    if isinstance(node, nodes.Assign | nodes.AssignBlock):
        return set(_targets(node.target))
    if isinstance(node, nodes.Macro):
        return {node.name}
    if isinstance(node, nodes.Import):
        return {node.target}
    if isinstance(node, nodes.FromImport):
        return {n if isinstance(n, str) else n[1] for n in node.names}
    return set()


def unknown_fields(
    parse: Callable[[str], nodes.Template], name: str, fields: Scope, known: Iterable[str]
) -> list[Unknown]:
    """Each use, in template `name` and the layouts and pieces it takes in, of a field not in
    `fields` (one email's example) and not in `known` (the environment's own globals)."""
    walk = _Walk(parse, fields, frozenset(known) | BUILT_IN)
    walk.template(name, fields)
    return walk.found
