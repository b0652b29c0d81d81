"""The synthetic shop: embedded default data and a test bed with known ground truth."""

from adcraft.data.synthetic.clicks import ClickModel
from adcraft.data.synthetic.impressions import copy_variants
from adcraft.data.synthetic.shop import SyntheticShop, build_shop

__all__ = ["ClickModel", "SyntheticShop", "build_shop", "copy_variants"]
