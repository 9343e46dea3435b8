"""Model dimensions: the labels of nodes, elements and materials, and their integer indices.

Labels become indices here and nowhere else: the kernel sees only arrays laid out as
``[run, month, material, node, element]`` (axes present as needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reesim.dataset.model import Dataset

#: Materials flowing between stages, each counted in tonnes of rare-earth oxide equivalent (t REO)
#: of each element: concentrate (mine output), separated oxide, metal/alloy, magnet (element content).
MATERIALS: tuple[str, ...] = ("concentrate", "oxide", "metal", "magnet")
CONCENTRATE, OXIDE, METAL, MAGNET = range(4)


@dataclass(frozen=True)
class Dims:
    """Ordered labels of every model axis, with lookups from label to index."""

    nodes: tuple[str, ...]
    elements: tuple[str, ...]
    materials: tuple[str, ...] = MATERIALS
    node_of_country: dict[str, str] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        """Number of model nodes (countries simulated on their own plus XEU and ROW)."""
        return len(self.nodes)

    @property
    def n_elements(self) -> int:
        """Number of elements (16: the rare earths other than Pm)."""
        return len(self.elements)

    def node(self, code: str) -> int:
        """Index of the node that simulates country (or node) ``code``."""
        try:
            return self.nodes.index(self.node_of_country.get(code, code))
        except ValueError:
            raise KeyError(f"{code!r} is not a country or node of the model") from None

    def element(self, symbol: str) -> int:
        """Index of element ``symbol``."""
        try:
            return self.elements.index(symbol)
        except ValueError:
            raise KeyError(f"{symbol!r} is not an element of the model") from None

    @classmethod
    def from_dataset(cls, ds: Dataset) -> Dims:
        """Nodes in the order of ``countries.csv`` (node rows), elements in ``elements.csv`` order."""
        c = ds.countries
        nodes = tuple(str(x) for x in c.loc[c["node"] == c["iso3"], "iso3"])
        mapping = {str(iso): str(node) for iso, node in zip(c["iso3"], c["node"], strict=True) if node}
        return cls(
            nodes=nodes, elements=tuple(str(s) for s in ds.elements["symbol"]), node_of_country=mapping
        )
