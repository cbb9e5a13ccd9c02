"""Pure geographic helpers: GeoJSON boundary import and point-to-jurisdiction lookup."""
