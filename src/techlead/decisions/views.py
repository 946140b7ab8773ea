"""The decision log as an index (Markdown) and as a graph of relations (DOT, Mermaid)."""

from __future__ import annotations

from techlead.decisions.records import Decision


def table_of_contents(decisions: list[Decision], title: str = "Architecture decisions") -> str:
    """A Markdown index: one line per record with its status."""
    lines = [f"# {title}", ""]
    lines += [f"* [{d.number}. {d.title}]({d.path.name}) — {d.status}" for d in decisions]
    return "\n".join(lines) + "\n"


def relations(decisions: list[Decision]) -> list[tuple[int, int, str]]:
    """Relations once each: a reverse label ("Superseded by") is dropped when its forward exists."""
    forward = {
        (d.number, link.target)
        for d in decisions
        for link in d.links
        if not link.label.endswith(" by")
    }
    edges = []
    for record in decisions:
        for link in record.links:
            if link.label.endswith(" by"):
                if (link.target, record.number) in forward:
                    continue
                label = link.label.removesuffix(" by").strip().capitalize() + "s"
                edges.append((link.target, record.number, label))
            else:
                edges.append((record.number, link.target, link.label))
    return sorted(set(edges))


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot_graph(decisions: list[Decision]) -> str:
    """Graphviz DOT: a node per record, an edge per relation."""
    lines = ["digraph decisions {", "  node [shape=box];"]
    for d in decisions:
        lines.append(f'  adr{d.number} [label="{d.number}. {_quote(d.title)}\\n({d.status})"];')
    for source, target, label in relations(decisions):
        lines.append(f'  adr{source} -> adr{target} [label="{_quote(label)}"];')
    return "\n".join([*lines, "}"]) + "\n"


def mermaid_graph(decisions: list[Decision]) -> str:
    """Mermaid flowchart of the same graph (renders in GitHub Markdown)."""
    lines = ["flowchart LR"]
    for d in decisions:
        title = d.title.replace('"', "'")
        lines.append(f'  adr{d.number}["{d.number}. {title}<br/>({d.status})"]')
    for source, target, label in relations(decisions):
        lines.append(f"  adr{source} -->|{label.replace('|', '/')}| adr{target}")
    return "\n".join(lines) + "\n"
