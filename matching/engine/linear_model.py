"""A linear model built block by block (columns, sparse rows) and solved with HiGHS."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

# Branch-and-bound nodes a MILP may explore: its budget of work. The components solved exactly
# (at most exact_edge_limit pairs) and the repair's neighbourhoods close their gap in far fewer.
NODE_LIMIT = 5000


class LinearModel:
    """Columns and sparse rows of a linear model, added block by block."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.row_lower: list[np.ndarray] = []
        self.row_upper: list[np.ndarray] = []
        self.width = 0
        self.height = 0

    def add_columns(
        self, cost: np.ndarray, lower: ArrayLike, upper: ArrayLike, integer: bool
    ) -> int:
        first = self.width
        size = len(cost)
        self.cost.append(np.asarray(cost, dtype=float))
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)))
        self.integer.append(np.full(size, 1 if integer else 0, dtype=np.uint8))
        self.width += size
        return first

    def add_rows(
        self,
        row: ArrayLike,
        column: ArrayLike,
        value: ArrayLike,
        lower: ArrayLike,
        upper: ArrayLike,
        count: int,
    ) -> None:
        self.rows.append((np.asarray(row) + self.height, np.asarray(column), np.asarray(value)))
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)))
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)))
        self.height += count

    def solve(
        self,
        time_limit: float,
        gap: float,
        relax: bool = False,
        cost: np.ndarray | None = None,
        node_limit: int = NODE_LIMIT,
    ) -> OptimizeResult:
        """Maximize with HiGHS; the scipy result (x is None when nothing was found).

        node_limit: branch-and-bound nodes at most, a budget of work (the same answer on a
        loaded machine); time_limit is a safety net."""
        rows = np.concatenate([r for r, _, _ in self.rows]) if self.rows else np.zeros(0, int)
        cols = np.concatenate([c for _, c, _ in self.rows]) if self.rows else np.zeros(0, int)
        vals = np.concatenate([v for _, _, v in self.rows]) if self.rows else np.zeros(0)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(self.height, self.width))
        objective = np.concatenate(self.cost) if cost is None else cost
        integrality = np.zeros(self.width) if relax else np.concatenate(self.integer)
        constraints = []
        if self.height:
            constraints.append(
                LinearConstraint(
                    matrix, np.concatenate(self.row_lower), np.concatenate(self.row_upper)
                )
            )
        return milp(
            -objective,
            integrality=integrality,
            bounds=Bounds(np.concatenate(self.lower), np.concatenate(self.upper)),
            constraints=constraints,
            options={
                "time_limit": max(0.05, time_limit),
                "mip_rel_gap": gap,
                "node_limit": node_limit,
                "disp": False,
            },
        )
