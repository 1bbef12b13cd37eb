"""core has no models: it is the ground floor every app builds on, and knows none of them."""
