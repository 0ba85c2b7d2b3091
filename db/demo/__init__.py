"""A believable demo district: tiling, names, the item catalogue, seed and 30 days of history."""
