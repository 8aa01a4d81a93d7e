#!/usr/bin/env python3
"""Fails when costate's headers include each other in a cycle.

A cycle compiles as long as #pragma once cuts it at the right place, so it breaks only when a user
includes the headers in another order. Usage: include_cycles.py <costate's include directory>."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
include = re.compile(r'^\s*#\s*include\s*[<"](costate/[^">]+)[">]', re.M)
graph = {}
for path in sorted(root.glob("costate/**/*.hpp")):
    name = path.relative_to(root).as_posix()
    graph[name] = sorted(set(include.findall(path.read_text())))

missing = sorted({(h, d) for h, ds in graph.items() for d in ds if d not in graph})
if missing:
    for h, d in missing:
        print(f"{h} includes {d}, which does not exist")
    sys.exit(1)

# Depth-first search; a back edge to a header on the current path closes a cycle.
state, path, cycles = {}, [], []
def visit(h):
    state[h] = "open"
    path.append(h)
    for d in graph[h]:
        if state.get(d) == "open":
            cycles.append(path[path.index(d):] + [d])
        elif d not in state:
            visit(d)
    path.pop()
    state[h] = "done"

sys.setrecursionlimit(10000)
for h in graph:
    if h not in state:
        visit(h)
for c in cycles:
    print("include cycle: " + " -> ".join(c))
print(f"{len(graph)} headers, {sum(map(len, graph.values()))} includes, {len(cycles)} cycles")
sys.exit(1 if cycles else 0)
