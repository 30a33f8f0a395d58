"""Independent components of the candidate graph: each is a separate allocation problem."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .catalogue import Catalogue


@dataclass(frozen=True)
class Block:
    """One component in local indices: its pairs ("edges"), offers, items and needs.

    Edges are ordered by item, then by score descending, then by offer id.
    Quantities: capacity in offer units, remaining in item units, rate = item units per offer unit.
    """

    edges: np.ndarray  # positions in the run's candidate arrays
    edge_offer: np.ndarray
    edge_item: np.ndarray
    edge_score: np.ndarray
    edge_rate: np.ndarray
    edge_min_share: np.ndarray
    edge_kind: np.ndarray
    edge_org: np.ndarray  # the offering organization's id (the partner cap counts organizations)
    offer_capacity: np.ndarray
    offer_value: np.ndarray  # one offer unit in a unit common to its category (USD for money)
    offer_id: np.ndarray
    item_need: np.ndarray
    item_remaining: np.ndarray
    item_value: np.ndarray  # one item unit in the same common unit (so rate = value ratio)
    item_start: np.ndarray  # edges of item i are item_start[i]:item_start[i + 1]
    need_item_start: np.ndarray  # items of need n are need_item_start[n]:need_item_start[n + 1]
    need_weight: np.ndarray
    need_id: np.ndarray
    need_position: np.ndarray  # positions of the needs in the problem (and the catalogue)
    need_region: np.ndarray  # the country of the need's area, as a code
    need_items: np.ndarray  # all items of the need, including those without candidates
    need_coverable: np.ndarray  # every open item of the need has at least one candidate

    @property
    def size(self) -> int:
        """Number of candidate pairs."""
        return int(self.edges.size)

    def items_of(self, need: int) -> range:
        """The local items of a local need."""
        return range(self.need_item_start[need], self.need_item_start[need + 1])

    def need_of_edge(self) -> np.ndarray:
        """The local need index of every edge."""
        need: np.ndarray = self.item_need[self.edge_item]
        return need

    def edge_use(self) -> np.ndarray:
        """Offer units consumed when an edge supplies its whole item (share 1)."""
        use: np.ndarray = self.item_remaining[self.edge_item] / self.edge_rate
        return use


def label_components(
    offer: np.ndarray, need: np.ndarray, offers: int, needs: int
) -> tuple[int, np.ndarray]:
    """Connected components of the bipartite graph offers + needs; a label per edge."""
    graph = sparse.coo_matrix(
        (np.ones(offer.size), (offer, offers + need)), shape=(offers + needs,) * 2
    ).tocsr()
    count, labels = connected_components(graph, directed=False)
    return count, labels[offer]


def _model_capacity(
    catalogue: Catalogue, offers: np.ndarray, edge_offer: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """Capacity as the solver sees it: money converted to other currencies keeps back a cent
    per possible line (at most 0.1 %), so that rounding each line up to a cent still fits."""
    converted = np.bincount(edge_offer, weights=rate != 1.0, minlength=offers.size)
    return usable_capacity(catalogue, offers, converted)


def usable_capacity(catalogue: Catalogue, offers: np.ndarray, converted: np.ndarray) -> np.ndarray:
    """The capacity of these offers as the solver sees it, given how many of their pairs convert
    money to another currency (a cent kept back for each, at most 0.1 %)."""
    capacity = catalogue.offer_remaining[offers]
    reserve = np.minimum(0.01 * converted, 0.001 * capacity)
    usable: np.ndarray = np.where(catalogue.offer_financial[offers], capacity - reserve, capacity)
    return usable


def _unit_value(per_usd: np.ndarray, financial: np.ndarray) -> np.ndarray:
    """US dollars per unit of money (1 where no rate is needed), 1 for any other unit."""
    value = np.where(financial & np.isfinite(per_usd) & (per_usd > 0), 1.0 / per_usd, 1.0)
    return value.astype(float)


def split_blocks(
    catalogue: Catalogue,
    offer: np.ndarray,
    item: np.ndarray,
    score: np.ndarray,
    rate: np.ndarray,
    min_share: np.ndarray,
    kind: np.ndarray,
) -> list[Block]:
    """Cut the candidate graph into blocks, largest first (ties by smallest need id)."""
    if offer.size == 0:
        return []
    need = catalogue.item_need[item]
    _, edge_label = label_components(offer, need, catalogue.offer_id.size, catalogue.need_id.size)
    has_edge = np.bincount(item, minlength=catalogue.item_id.size) > 0
    open_item = catalogue.item_remaining > 0
    missing = np.bincount(
        catalogue.item_need, weights=(open_item & ~has_edge), minlength=catalogue.need_id.size
    )
    coverable = missing == 0
    order = np.argsort(edge_label, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_label[order])) + 1
    blocks = []
    for edges in np.split(order, bounds):
        offers, edge_offer = np.unique(offer[edges], return_inverse=True)
        items, edge_item = np.unique(item[edges], return_inverse=True)
        needs, item_need = np.unique(catalogue.item_need[items], return_inverse=True)
        blocks.append(
            Block(
                edges=edges,
                edge_offer=edge_offer,
                edge_item=edge_item,
                edge_score=score[edges],
                edge_rate=rate[edges],
                edge_min_share=min_share[edges],
                edge_kind=kind[edges],
                edge_org=catalogue.offer_org[offer[edges]],
                offer_capacity=_model_capacity(catalogue, offers, edge_offer, rate[edges]),
                offer_value=_unit_value(
                    catalogue.offer_usd[offers], catalogue.offer_financial[offers]
                ),
                offer_id=catalogue.offer_id[offers],
                item_need=item_need,
                item_remaining=catalogue.item_remaining[items],
                item_value=_unit_value(catalogue.item_usd[items], catalogue.item_financial[items]),
                item_start=np.searchsorted(edge_item, np.arange(items.size + 1)),
                need_item_start=np.searchsorted(item_need, np.arange(needs.size + 1)),
                need_weight=catalogue.need_weight[needs],
                need_id=catalogue.need_id[needs],
                need_position=needs,
                need_region=catalogue.need_region[needs],
                need_items=catalogue.need_items[needs],
                need_coverable=coverable[needs],
            )
        )
    blocks.sort(key=lambda block: (-block.size, int(block.need_id.min())))
    return blocks


def sub_block(block: Block, edges: np.ndarray, capacity: np.ndarray) -> Block:
    """The block restricted to some of its edges (ascending local indices), with the given
    capacity per offer of the block. A need stays coverable only if each of its items keeps an
    edge. The result's `edges` are local indices into the parent block."""
    offers, edge_offer = np.unique(block.edge_offer[edges], return_inverse=True)
    items, edge_item = np.unique(block.edge_item[edges], return_inverse=True)
    needs, item_need = np.unique(block.item_need[items], return_inverse=True)
    kept_items = np.bincount(item_need, minlength=needs.size)
    all_items = np.diff(block.need_item_start)[needs]
    return Block(
        edges=edges,
        edge_offer=edge_offer.ravel(),
        edge_item=edge_item.ravel(),
        edge_score=block.edge_score[edges],
        edge_rate=block.edge_rate[edges],
        edge_min_share=block.edge_min_share[edges],
        edge_kind=block.edge_kind[edges],
        edge_org=block.edge_org[edges],
        offer_capacity=capacity[offers],
        offer_value=block.offer_value[offers],
        offer_id=block.offer_id[offers],
        item_need=item_need.ravel(),
        item_remaining=block.item_remaining[items],
        item_value=block.item_value[items],
        item_start=np.searchsorted(edge_item.ravel(), np.arange(items.size + 1)),
        need_item_start=np.searchsorted(item_need.ravel(), np.arange(needs.size + 1)),
        need_weight=block.need_weight[needs],
        need_id=block.need_id[needs],
        need_position=block.need_position[needs],
        need_region=block.need_region[needs],
        need_items=block.need_items[needs],
        need_coverable=block.need_coverable[needs] & (kept_items == all_items),
    )
