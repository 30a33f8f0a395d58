"""Large components: decomposition by region, LP-guided rounding, and a certified bound.

A national registry's candidate graph is one component (national and global offers reach every
area), too large for one MILP. It is solved in six steps.

1. Regions. Needs are grouped by the country of their area. An offer whose candidate needs all lie
   in one region belongs to it; an offer reaching several (a global offer) is shared, and its
   capacity is split between the regions in proportion to the priority-weighted demand that its
   candidate pairs put on it.
2. Per region, in parallel processes: the LP relaxation of the whole-needs model (HiGHS's dual
   simplex), with the partner cap's valid linear row per item (flows.py, relaxation.py), gives shares f*, needs
   y* and a price λ(o) per unit of each offer's capacity (the dual of its capacity row, a
   scarcity price). Whole needs are then inserted in the LP's order, each accepted when max-flows
   that may re-route earlier choices still meet every demand (flows.py), and the chosen needs are
   served by an LP within the partner cap and the minimum pieces (serving.py); needs that
   cannot be served drop out. Needs that no cap-sized coalition could ever cover are left out
   from the start.
   After the regions' shared deadline, only the needs the LP serves in full are still checked by
   max-flow; the others are taken when they fit in what the offers have left as the flow stands
   (a region that starts late still serves most of what it can).
3. The whole component: needs still not served are inserted over what is left of every offer, the
   unused part of shared offers included.
4. Extension (extension.py), every need tried once: over the whole component, each item keeps
   cap organizations (those serving it now, then the LP's), so that any flow respects the cap;
   the served needs are inserted again, then the others, by max-flows that may move the served
   needs to other partners and capacity between regions.
5. Repair (repair.py), a budget of needs tried (repair.REPAIR_TRIES), within the time limit:
   each need still not served is tried again with the served needs that hold its offers'
   capacity, in a small model of their own.
6. The bound. For any prices λ ≥ 0, weak duality gives an upper bound of the LP optimum LP*:

       LP* ≤ D(λ) = Σ_o λ(o)·c(o) + Σ_n max(0, w(n) - Σ_{i∈n} min_{e at i} λ(o(e))·u(e))

   with u(e) = r(i)/rate(e) the capacity edge e uses to supply its whole item. Proof: for feasible
   (f, y), y(n)·min_e λu ≤ Σ_{e at i} f(e)·λ(o(e))·u(e) because Σ_{e at i} f(e) = y(n); summing
   over items and needs, Σ_n y(n)·C(n) ≤ Σ_o λ(o)·Σ_e u(e)·f(e) ≤ Σ_o λ(o)·c(o), while
   y(n)·(w(n) - C(n)) ≤ max(0, w(n) - C(n)). At the LP's optimal prices D equals LP*. Read: every
   offer's capacity at its price, plus what each need is worth beyond the cheapest way to buy
   each of its items whole. D is evaluated on the whole component with λ(o) the highest price
   any region put on o, so lp_bound is a true upper bound for the candidate set, however the
   shared capacity was split; with one region it is the LP optimum itself. With the partner cap's
   rows Σ_e κ(e)·f(e) ≤ L·y(n) priced at μ(i) ≥ 0, a pair costs λ(o)·u(e) + μ(i)·κ(e) and each
   item's cost is lowered by L·μ(i); the same argument holds term by term (relaxation.dual_bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from .components import Block, sub_block
from .extension import extend
from .flows import coverable_within_cap, partner_coefficients
from .model import Parameters
from .processes import solver_pool
from .relaxation import Relaxation, dual_bound, seconds_until, whole_needs_lp
from .repair import repair
from .serving import round_block
from .shares import WholeNeeds, covered_needs, offer_usage, partner_cap
from .tolerances import CRUMB

# Steps 4 and 5 work within their budgets of work (repair.REPAIR_TRIES), and until
# _REPAIR_UNTIL of the time limit at the latest, a safety net (the partial fill follows). The
# repair's gains come early: at M, of the 72 units of weight it recovers when left to finish
# (26 s), 34 came in 0.5 s, 53 in 3 s, 65 in 8 s.
_REPAIR_UNTIL = 0.8


@dataclass(frozen=True)
class RegionOutcome:
    """A region's whole needs (shares per region edge) and the LP's price per unit of capacity."""

    share: np.ndarray
    price: np.ndarray  # per offer of the region block
    cap_price: np.ndarray  # per item of the region block
    relaxation: float
    status: str
    flow: np.ndarray  # the LP's shares per region edge
    y: np.ndarray  # the LP's y* per region need


def allocate_large(
    block: Block, parameters: Parameters, time_limit: float, workers: int
) -> tuple[WholeNeeds | None, float, str, np.ndarray]:
    """Steps 1-6 for one large block: whole needs, the certified bound, the method's name, and
    the price λ of each offer's capacity (per offer unit) behind the bound."""
    started = time.perf_counter()
    block = replace(block, need_coverable=coverable_within_cap(block, partner_cap(parameters)))
    regions, edge_region, capacity = _split(block)
    tasks = []
    for region in range(regions.size):
        mine = capacity[:, region]
        edges = np.flatnonzero(
            (edge_region == region) & (mine > CRUMB * block.offer_capacity)[block.edge_offer]
        )
        if edges.size:
            tasks.append(sub_block(block, edges, mine))
    tasks.sort(key=lambda task: (-task.size, int(task.need_id.min())))
    # The regions share one deadline (they run side by side); the leftover pass gets the rest.
    deadline = started + 0.85 * time_limit
    # Every LP and rounding stops at the block's end, on the clock all processes share.
    end = started + time_limit
    coefficient, _ = partner_coefficients(block, partner_cap(parameters))
    if workers > 1 and len(tasks) > 1:
        # Largest regions first, so that the processes finish together.
        with solver_pool(workers, parameters.solver_niceness) as pool:
            futures = [
                pool.submit(solve_region, task, parameters, deadline, coefficient[task.edges], end)
                for task in tasks
            ]
            outcomes = [future.result() for future in futures]
    else:
        outcomes = [
            solve_region(task, parameters, deadline, coefficient[task.edges], end) for task in tasks
        ]
    share = np.zeros(block.size)
    # The regions' LPs put together (price: the highest any region put on an offer).
    relaxed = Relaxation(
        flow=np.zeros(block.size),
        y=np.zeros(block.need_id.size),
        price=np.zeros(block.offer_id.size),
        cap_price=np.zeros(block.item_need.size),
        value=sum(outcome.relaxation for outcome in outcomes),
    )
    for task, outcome in zip(tasks, outcomes, strict=True):
        share[task.edges] = outcome.share
        relaxed.flow[task.edges] = outcome.flow
        relaxed.y[np.searchsorted(block.need_position, task.need_position)] = outcome.y
        offers = np.unique(block.edge_offer[task.edges])
        relaxed.price[offers] = np.maximum(relaxed.price[offers], outcome.price)
        relaxed.cap_price[np.unique(block.edge_item[task.edges])] = outcome.cap_price
    bound = dual_bound(block, relaxed.price, relaxed.cap_price, partner_cap(parameters))
    share = _leftovers(block, share, relaxed.price, parameters, started + time_limit)
    share = improve_aside(block, share, relaxed, parameters, started, time_limit, workers)
    covered = covered_needs(block, share)
    method = "lp-rounding" if len(tasks) == 1 else f"lp-rounding, {len(tasks)} regions"
    return WholeNeeds(share, covered, "lp-rounding", 0.0), bound, method, relaxed.price


def _split(block: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regions, the region of each edge, and each offer's capacity per region (offers x regions)."""
    regions, need_region = np.unique(block.need_region, return_inverse=True)
    edge_region = need_region.ravel()[block.need_of_edge()]
    demand = np.zeros((block.offer_id.size, regions.size))
    pressure = block.edge_use() * block.need_weight[block.need_of_edge()]
    np.add.at(demand, (block.edge_offer, edge_region), pressure)
    share = demand / np.maximum(demand.sum(axis=1, keepdims=True), 1e-300)
    return regions, edge_region, share * block.offer_capacity[:, None]


def solve_region(
    block: Block,
    parameters: Parameters,
    deadline: float,
    coefficient: np.ndarray,
    end: float | None = None,
) -> RegionOutcome:
    """Step 2 for one region's block (coefficient: the parent block's partner coefficients;
    deadline: on the clock all processes share, when insertion stops trying more needs; end:
    when the block's time is up, the LPs' time limit). A region whose LP reaches the end has
    no shares of its own: the leftover pass serves its needs."""
    late = end is not None and time.perf_counter() >= end
    relaxed = (
        None
        if late
        else whole_needs_lp(
            block, partner_cap(parameters), coefficient=coefficient, time_limit=seconds_until(end)
        )
    )
    if relaxed is None:
        nothing = np.zeros(block.offer_id.size)
        return RegionOutcome(
            np.zeros(block.size),
            nothing,
            np.zeros(block.item_need.size),
            0,
            "",
            np.zeros(block.size),
            np.zeros(block.need_id.size),
        )
    share = round_block(block, relaxed, parameters, deadline, end)
    return RegionOutcome(
        share,
        relaxed.price,
        relaxed.cap_price,
        relaxed.value,
        "lp-rounding",
        relaxed.flow,
        relaxed.y,
    )


def _leftovers(
    block: Block, share: np.ndarray, price: np.ndarray, parameters: Parameters, deadline: float
) -> np.ndarray:
    """Step 3: needs not served yet, over the capacity the others leave."""
    covered = covered_needs(block, share)
    left = np.maximum(block.offer_capacity - offer_usage(block, share), 0.0)
    open_edge = ~covered[block.need_of_edge()] & block.need_coverable[block.need_of_edge()]
    edges = np.flatnonzero(open_edge & (left > CRUMB * block.offer_capacity)[block.edge_offer])
    if edges.size == 0 or time.perf_counter() >= deadline:
        return share
    rest = sub_block(block, edges, left)
    # No LP here: the needs go by weight per unit of capacity at the regions' prices.
    guide = Relaxation(
        flow=np.zeros(rest.size),
        y=np.zeros(rest.need_id.size),
        price=price[np.unique(block.edge_offer[edges])],
        cap_price=np.zeros(rest.item_need.size),
        value=0.0,
    )
    extra = round_block(rest, guide, parameters, deadline, end=deadline)
    share = share.copy()
    share[edges] += extra
    return share


def improve(
    block: Block,
    share: np.ndarray,
    relaxed: Relaxation,
    parameters: Parameters,
    started: float,
    time_limit: float,
) -> np.ndarray:
    """Steps 4 and 5: the extension (every need tried once), then the repair (its budget of
    needs tried, repair.REPAIR_TRIES). Budgets of work, so that the answer does not depend on the
    machine's load; _REPAIR_UNTIL of the time limit is a safety net (neither starts after it)."""
    last = started + _REPAIR_UNTIL * time_limit
    if time.perf_counter() >= last:
        return share
    share = extend(block, share, relaxed, partner_cap(parameters), last, started + time_limit)
    return repair(block, share, parameters, last)


def improve_aside(
    block: Block,
    share: np.ndarray,
    relaxed: Relaxation,
    parameters: Parameters,
    started: float,
    time_limit: float,
    workers: int,
) -> np.ndarray:
    """improve(), in a solver process of its own when the run uses them (workers > 1), so that
    it runs at the solvers' lower priority (processes.py) like the regions before it."""
    arguments = (block, share, relaxed, parameters, started, time_limit)
    if workers <= 1 or not (block.need_coverable & ~covered_needs(block, share)).any():
        return improve(*arguments)
    with solver_pool(1, parameters.solver_niceness) as pool:
        return pool.submit(improve, *arguments).result()
