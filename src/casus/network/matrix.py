"""Who is drawn in, for every ordered pair of states on a date, computed at once.

The cascade of `cascade.py`, for one pair (A attacks B), is a breadth-first search over defence
links from B that never passes through A (and over offence links from A that never passes
through B). For every pair at once, casus:

1. builds, per date, a bipartite graph of states and pools (a pool is one alliance clause: its
   beneficiaries point to it, it points to its bearers), so that a 30-member alliance costs 60
   edges, not 870 links;
2. computes every state's closure (the states reachable from it: its defenders, their
   defenders...) as a bitset (a Python int), by Tarjan's strongly connected components in one
   pass, each component's closure the OR of its successors';
3. for each state A, recomputes the closures in the graph without A, but only for the nodes
   whose closure contains A (the others do not change), treating every other node as fixed;
4. reads each pair's sets with a few bit operations: the target's side is B's closure without
   A, the attacker's side A's offence closure without B, conflicts the intersections and the
   neutrality / non-aggression bits.

Step 3 makes the result exact (the round-by-round cascade never walks through the attacker),
and its cost is bounded by the part of the graph upstream of each state, not by the number of
pairs. Tests check every set against `cascade.cascade` on random data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from casus.network.cascade import Sets
from casus.network.links import RESTRAINTS, Kind, PoolTable

_EMPTY: dict[int, int] = {}


def bits(x: int) -> Iterator[int]:
    """The indices of the set bits of x, lowest first."""
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


class _Graph:
    """The bipartite graph of one kind of obligation: states 0..n-1, pools n..n+P-1."""

    def __init__(self, n: int, succ: list[list[int]]) -> None:
        self.n = n
        self.succ = succ
        self.total = len(succ)
        self.sbit = [1 << v if v < n else 0 for v in range(self.total)]
        self.comp = [-1] * self.total
        self.comps: list[list[int]] = []
        self.base = self._reach(-1, None, None, record=True)
        self._changed: dict[int, dict[int, int]] = {}
        self._prepare()

    def _prepare(self) -> None:
        """Per strongly connected component: its states, what its nodes reach outside it, and
        (for components with states) the state-to-state adjacency inside it."""
        n, succ, comp, base, sbit = self.n, self.succ, self.comp, self.base, self.sbit
        k = len(self.comps)
        self.c_states = [0] * k
        self.c_out: list[list[int]] = [[] for _ in range(k)]  # targets outside, deduplicated
        self.ext = [0] * self.total  # per node: what its edges leaving its component reach
        self.bear_in = [0] * self.total  # per pool: its bearers inside its component
        self.benef_in = [0] * self.total  # per pool: its beneficiaries inside its component
        for c, members in enumerate(self.comps):
            seen: set[int] = set()
            for u in members:
                if u < n:
                    self.c_states[c] |= 1 << u
                e = 0
                inside = 0
                for w in succ[u]:
                    if comp[w] == c:
                        inside |= sbit[w]
                        if u < n:
                            self.benef_in[w] |= 1 << u
                    else:
                        e |= base[w] | sbit[w]
                        if w not in seen:
                            seen.add(w)
                            self.c_out[c].append(w)
                self.ext[u] = e
                self.bear_in[u] = inside
        # Inside each component: one state-to-state step (state -> pool -> bearer), both ways.
        self.fwd = [0] * n
        self.bwd = [0] * n
        for c, members in enumerate(self.comps):
            if len(members) == 1:
                continue
            for u in members:
                if u >= n:
                    continue
                out = 0
                for p in succ[u]:
                    if comp[p] == c:
                        out |= self.bear_in[p]
                self.fwd[u] = out
            for p in members:
                if p < n:
                    continue
                back = self.benef_in[p]
                x = self.bear_in[p]
                while x:
                    low = x & -x
                    self.bwd[low.bit_length() - 1] |= back
                    x ^= low
        # Upstream components of each state: those whose closure contains it, sinks first.
        self.upstream: list[list[int]] = [[] for _ in range(n)]
        for c, members in enumerate(self.comps):
            r = base[members[0]]
            for a in _bits_list(r):
                if comp[a] != c:
                    self.upstream[a].append(c)

    def _reach(
        self,
        removed: int,
        region: bytearray | None,
        order: Sequence[int] | None,
        record: bool = False,
    ) -> list[int]:
        """Tarjan's algorithm, iterative. reach[v] = the states reachable from v by one edge or
        more, in the graph without `removed`. With `region`, only its nodes are explored; any
        other node keeps its base closure (it cannot reach `removed`)."""
        succ, sbit, total = self.succ, self.sbit, self.total
        base = self.base if region is not None else None
        index = [-1] * total
        low = [0] * total
        ext = [0] * total
        reach = [0] * total
        onstack = bytearray(total)
        stack: list[int] = []
        counter = 0
        roots = order if order is not None else range(total)
        for root in roots:
            if index[root] != -1 or root == removed:
                continue
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            onstack[root] = 1
            work: list[tuple[int, Iterator[int]]] = [(root, iter(succ[root]))]
            while work:
                v, it = work[-1]
                descended = False
                for w in it:
                    if w == removed:
                        continue
                    if region is not None and not region[w]:
                        assert base is not None
                        ext[v] |= base[w] | sbit[w]
                    elif index[w] == -1:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        onstack[w] = 1
                        work.append((w, iter(succ[w])))
                        descended = True
                        break
                    elif onstack[w]:
                        if index[w] < low[v]:
                            low[v] = index[w]
                    else:
                        ext[v] |= reach[w] | sbit[w]
                if descended:
                    continue
                work.pop()
                if low[v] == index[v]:
                    comp: list[int] = []
                    while True:
                        u = stack.pop()
                        onstack[u] = 0
                        comp.append(u)
                        if u == v:
                            break
                    r = 0
                    for u in comp:
                        r |= ext[u]
                    if len(comp) > 1:
                        for u in comp:
                            r |= sbit[u]
                    for u in comp:
                        reach[u] = r
                    if record:
                        cid = len(self.comps)
                        for u in comp:
                            self.comp[u] = cid
                        self.comps.append(comp)
                if work:
                    parent = work[-1][0]
                    if onstack[v]:
                        if low[v] < low[parent]:
                            low[parent] = low[v]
                    else:
                        ext[parent] |= reach[v] | sbit[v]
        return reach

    def _still_connected(self, c: int, removed: int) -> bool:
        """Whether the states of component c other than `removed` still reach one another, in
        both directions, when `removed` is taken out (paths inside a component stay in it)."""
        keep = self.c_states[c] & ~(1 << removed)
        if keep & (keep - 1) == 0:
            return True  # one state (or none) left
        root = keep & -keep
        for adj in (self.fwd, self.bwd):
            seen = frontier = root
            while frontier:
                nxt = 0
                x = frontier
                while x:
                    low = x & -x
                    nxt |= adj[low.bit_length() - 1]
                    x ^= low
                frontier = nxt & keep & ~seen
                seen |= frontier
            if seen != keep:
                return False
        return True

    def without(self, removed: int) -> dict[int, int]:
        """The closures that change when `removed` is taken out: state -> closure."""
        got = self._changed.get(removed)
        if got is not None:
            return got
        c = self.comp[removed]
        upstream = self.upstream[removed]
        members = self.comps[c]
        if not upstream and len(members) == 1:
            self._changed[removed] = _EMPTY
            return _EMPTY
        if len(members) > 1 and not self._still_connected(c, removed):
            got = self._slow_without(removed)
            self._changed[removed] = got
            return got
        n, comp, sbit, base = self.n, self.comp, self.sbit, self.base
        bit_r = 1 << removed
        out: dict[int, int] = {}
        # Inside the component: every remaining state reaches the same set X.
        x = 0
        if len(members) > 1:
            keep = self.c_states[c] & ~bit_r
            x = keep
            ext, benef_in = self.ext, self.benef_in
            for u in members:
                # A pool of the component counts if a remaining state of it points to it.
                if u != removed and (u < n or benef_in[u] & keep):
                    x |= ext[u]
            for s in _bits_list(keep):
                out[s] = x
        # Upstream components, downstream first.
        new: dict[int, int] = {}
        for d in upstream:
            r = 0
            for w in self.c_out[d]:
                cw = comp[w]
                if w == removed:
                    continue
                if cw == c:
                    if w < n:
                        r |= x | sbit[w]
                    else:
                        inside = self.bear_in[w] & ~bit_r
                        r |= self.ext[w] | inside | (x if inside else 0)
                else:
                    got_w = new.get(cw)
                    r |= (base[w] if got_w is None else got_w) | sbit[w]
            dmembers = self.comps[d]
            if len(dmembers) > 1:
                r |= self.c_states[d]
            new[d] = r
            for u in dmembers:
                if u < n:
                    out[u] = r
        self._changed[removed] = out
        return out

    def _slow_without(self, removed: int) -> dict[int, int]:
        comp = self.comp
        region = bytearray(self.total)
        nodes = [u for u in self.comps[comp[removed]] if u != removed]
        for d in self.upstream[removed]:
            nodes.extend(self.comps[d])
        for v in nodes:
            region[v] = 1
        reach = self._reach(removed, region, nodes)
        return {v: reach[v] for v in nodes if v < self.n}


def _bits_list(x: int) -> list[int]:
    out = []
    while x:
        low = x & -x
        out.append(low.bit_length() - 1)
        x ^= low
    return out


def _graph(n: int, index: dict[str, int], table: PoolTable, kind: Kind, firm: bool) -> _Graph:
    succ: list[list[int]] = [[] for _ in range(n)]
    for pool in table.pools:
        if pool.kind != kind:
            continue
        bearers = [index[b.state] for b in pool.bearers if (b.firm if firm else b.holds)]
        if not bearers:
            continue
        node = len(succ)
        succ.append(bearers)
        for s in pool.beneficiaries:
            succ[index[s]].append(node)
    return _Graph(n, succ)


@dataclass(frozen=True)
class Matrix:
    """For each ordered pair (attacker, target), the sets of `Sets` as bitsets over `states`."""

    on: dt.date
    states: tuple[str, ...]
    cells: tuple[tuple[int, int, int, int, int], ...]  # row-major: attacker * n + target

    def cell(self, attacker: str, target: str) -> Sets:
        n = len(self.states)
        a, b = self.states.index(attacker), self.states.index(target)
        return self._sets(self.cells[a * n + b])

    def _names(self, x: int) -> frozenset[str]:
        return frozenset(self.states[i] for i in bits(x))

    def _sets(self, c: tuple[int, int, int, int, int]) -> Sets:
        return Sets(*(self._names(x) for x in c))

    def rows(self) -> Iterator[tuple[str, str, Sets]]:
        n = len(self.states)
        for a in range(n):
            for b in range(n):
                if a != b:
                    yield self.states[a], self.states[b], self._sets(self.cells[a * n + b])

    def drawn_in_total(self) -> int:
        """How many (pair, state drawn to either side) there are: a checksum of the work."""
        return sum((c[1] | c[3]).bit_count() for c in self.cells)

    def to_dict(self) -> dict[str, Any]:
        pairs = []
        for attacker, target, s in self.rows():
            pairs.append(
                {
                    "attacker": attacker,
                    "target": target,
                    "target_side": {
                        "must": sorted(s.target_firm),
                        "may": sorted(s.target_possible - s.target_firm),
                    },
                    "attacker_side": {
                        "must": sorted(s.attacker_firm),
                        "may": sorted(s.attacker_possible - s.attacker_firm),
                    },
                    "conflicted": sorted(s.conflicted),
                }
            )
        return {"on": self.on.isoformat(), "states": list(self.states), "pairs": pairs}


class _OrTable:
    """OR of `values[i]` over the set bits i of a bitset, eight bits at a time."""

    def __init__(self, values: list[int]) -> None:
        padded = values + [0] * (-len(values) % 8)
        self.tables: list[list[int]] = []
        for c in range(0, len(padded), 8):
            t = [0] * 256
            for byte in range(1, 256):
                low = byte & -byte
                t[byte] = t[byte ^ low] | padded[c + low.bit_length() - 1]
            self.tables.append(t)

    def __call__(self, x: int) -> int:
        r = 0
        for t in self.tables:
            if not x:
                break
            byte = x & 255
            if byte:
                r |= t[byte]
            x >>= 8
        return r


def matrix(table: PoolTable, states: Sequence[str] | None = None) -> Matrix:
    """Every ordered pair of `states` (default: every state the table names)."""
    names = sorted(set(states) | set(table.states())) if states is not None else table.states()
    n = len(names)
    index = {s: i for i, s in enumerate(names)}
    def_p = _graph(n, index, table, "defence", firm=False)
    def_f = _graph(n, index, table, "defence", firm=True)
    off_p = _graph(n, index, table, "offence", firm=False)
    off_f = _graph(n, index, table, "offence", firm=True)
    restrainers = [0] * n  # restrainers[z]: the states bound to neutrality / non-aggression to z
    for pool in table.pools:
        if pool.kind not in RESTRAINTS:
            continue
        who = 0
        for bearer in pool.bearers:
            if bearer.holds:
                who |= 1 << index[bearer.state]
        if not who:
            continue
        for s in pool.beneficiaries:
            i = index[s]
            restrainers[i] |= who & ~(1 << i)
    restr_to = [0] * n  # restr_to[x]: the states x is bound to restraint towards
    for z in range(n):
        x = restrainers[z]
        while x:
            low = x & -x
            restr_to[low.bit_length() - 1] |= 1 << z
            x ^= low
    restraint = _OrTable(restrainers)  # R(S): the states bound to restraint towards some of S
    any_restraint = any(restrainers)

    base_dp, base_df = def_p.base, def_f.base
    base_op, base_of = off_p.base, off_f.base
    # R of each side as it is when the other first state's removal changes nothing.
    r_target = [restraint(base_dp[b] | (1 << b)) for b in range(n)] if any_restraint else []
    r_attacker = [restraint(base_op[a] | (1 << a)) for a in range(n)] if any_restraint else []
    off_p_without = [off_p.without(b) for b in range(n)]
    off_f_without = [off_f.without(b) for b in range(n)]
    cells: list[tuple[int, int, int, int, int]] = []
    zero = (0, 0, 0, 0, 0)
    for a in range(n):
        bit_a = 1 << a
        not_a = ~bit_a
        chg_dp = def_p.without(a)
        chg_df = def_f.without(a)
        reach_op = base_op[a]
        reach_of = base_of[a]
        ra = r_attacker[a] if any_restraint else 0
        for b in range(n):
            if a == b:
                cells.append(zero)
                continue
            bit_b = 1 << b
            changed_d = chg_dp.get(b)
            dp = (base_dp[b] if changed_d is None else changed_d) & ~bit_b
            df = chg_df.get(b, base_df[b]) & ~bit_b
            changed_g = None
            if reach_op:
                changed_g = off_p_without[b].get(a)
                gp = (reach_op if changed_g is None else changed_g) & not_a
                gf = off_f_without[b].get(a, reach_of) & not_a
            else:
                gp = gf = 0
            conflicted = dp & gp
            if base_dp[b] & bit_a:
                conflicted |= bit_a
            if reach_op & bit_b:
                conflicted |= bit_b
            if any_restraint:
                side_a = gp | bit_a
                side_b = dp | bit_b
                conflicted |= dp & (ra if changed_g is None else restraint(side_a))
                if not gp:
                    if restr_to[a] & side_b:
                        conflicted |= bit_a
                elif changed_d is None:
                    conflicted |= side_a & r_target[b]
                else:
                    conflicted |= side_a & restraint(side_b)
            cells.append((df, dp, gf, gp, conflicted))
    return Matrix(table.on, tuple(names), tuple(cells))
