"""Step 4 of the decomposition: more whole needs over the whole component, the served ones
free to move to other partners and capacity between regions."""

from __future__ import annotations

import numpy as np

from .components import Block, sub_block
from .flows import insert_needs, insertion_order, within_cap
from .relaxation import Relaxation
from .serving import serve_within_cap
from .shares import acceptable, covered_needs, covered_weight


def extend(
    block: Block,
    share: np.ndarray,
    relaxed: Relaxation,
    cap: int,
    deadline: float,
    end: float | None = None,
) -> np.ndarray:
    """Step 4: more whole needs, the served ones free to move to other partners (relaxed: the
    regions' LPs, their shares, y* and prices put together).

    Each item keeps the pairs of cap organizations: those serving it now first, then those the
    LP gives most. On these pairs every allocation respects the partner cap, so whole needs are
    inserted by max-flow (flows.insert_needs), the needs served now first (they fit together:
    the current shares are such a flow), then the others in the LP's order; the max-flows may
    re-route the served needs within their items' organizations. The chosen needs are served
    again by serve_within_cap (minimum pieces) before `end` (the block's time); the answer is kept
    when it serves more weight."""
    # Shares and LP flows both lie in [0, 1]: scaled up, the organizations serving an item now
    # rank before any the LP merely gives a flow.
    keep = np.flatnonzero(within_cap(block, share * 1e3 + relaxed.flow, cap))
    if keep.size == 0:
        return share
    part = sub_block(block, keep, block.offer_capacity)
    position = np.searchsorted(block.need_position, part.need_position)
    served = covered_needs(block, share)[position]
    base = insertion_order(
        part, relaxed.y[position], relaxed.price[np.unique(block.edge_offer[keep])]
    )
    order = np.concatenate([base[served[base]], base[~served[base]]])
    chosen, _ = insert_needs(part, order, deadline, always=int(served.sum()))
    if not (chosen & ~served).any():
        return share
    edges = np.flatnonzero(chosen[part.need_of_edge()])
    again = sub_block(part, edges, part.offer_capacity)
    new = serve_within_cap(again, cap, deadline, end=end)
    done = covered_needs(again, new) & acceptable(again, new, cap)
    if again.need_weight[done].sum() <= covered_weight(block, share):
        return share
    result = np.zeros(block.size)
    result[keep[edges]] = np.where(done[again.need_of_edge()], new, 0.0)
    return result
