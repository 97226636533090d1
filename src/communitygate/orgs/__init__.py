"""The organisation tree: district → subdistricts → communities, and the bodies beside them."""
